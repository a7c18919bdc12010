import type { BoxSurface } from '../box/surface.js';
import type { Config } from '../system/config.js';
import { openPanelHardware } from './panel-hardware.js';
import { PanelSurface } from './panel-surface.js';

/** The box's own panel when `[panel] enabled`; its hardware opens when the box starts it. */
export function openPanelSurfaces(config: Config): BoxSurface[] {
  if (!config.panel.enabled) return [];
  return [
    new PanelSurface({
      config: config.panel,
      dataDir: config.data.dir,
      hardware: (timers) => openPanelHardware(config.panel, timers),
    }),
  ];
}
