import type { BoxSurface } from '../box/surface.js';
import type { Config } from '../system/config.js';
import { WebSurface } from '../web/web-surface.js';
import { openPush2Surfaces } from '../push2/open.js';
import { openPanelSurfaces } from '../panel/open.js';
import { SynthSurface } from '../synth/synth-surface.js';

/**
 * The composition root for control surfaces: the only place that picks real ones. Each
 * surface decides from its own config section whether it runs; a missing device is its
 * own business (Push 2 absent: nothing runs, nothing errors).
 */
export function openSurfaces(config: Config): BoxSurface[] {
  return [
    ...(config.web.enabled ? [new WebSurface(config.web)] : []),
    ...openPush2Surfaces(config.push2),
    ...openPanelSurfaces(config),
    ...(config.synth.enabled ? [new SynthSurface(config.synth)] : []),
  ];
}
