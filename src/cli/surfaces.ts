import type { BoxSurface, SurfaceContext } from '../box/surface.js';
import type { Config } from '../system/config.js';

export interface SurfaceOptions {
  /** Told the live page's addresses once it listens (`antiphon start` prints them). */
  readonly announcePage?: (urls: readonly string[]) => void;
}

/**
 * The composition root for control surfaces: the only place that picks real ones. Each
 * surface decides from its own config section whether it runs; a missing device is its
 * own business (Push 2 absent: nothing runs, nothing errors).
 *
 * Each surface's code loads when the box starts it, which is behind READY: the first bar
 * needs none of them, and their ~70 modules (page, Push 2 renderer, panel, synth) cost
 * start-up time before READY when imported with the CLI (bench:startup).
 */
export function openSurfaces(config: Config, o: SurfaceOptions = {}): BoxSurface[] {
  const web = o.announcePage ? { announce: o.announcePage } : {};
  return [
    ...(config.web.enabled
      ? [lazySurface('web', async () => [new (await import('../web/web-surface.js')).WebSurface(config.web, web)])]
      : []),
    ...(config.push2.enabled
      ? [lazySurface('push2', async () => (await import('../push2/open.js')).openPush2Surfaces(config.push2))]
      : []),
    ...(config.panel.enabled
      ? [lazySurface('panel', async () => (await import('../panel/open.js')).openPanelSurfaces(config))]
      : []),
    ...(config.synth.enabled
      ? [lazySurface('synth', async () => [new (await import('../synth/synth-surface.js')).SynthSurface(config.synth)])]
      : []),
  ];
}

/**
 * A surface whose module is imported when the box starts it. A module that fails to load
 * fails the start, which the box reports and leaves out like any other failed surface.
 */
function lazySurface(name: string, load: () => Promise<readonly BoxSurface[]>): BoxSurface {
  let started: readonly BoxSurface[] = [];
  return {
    name,
    async start(ctx: SurfaceContext) {
      const surfaces = await load();
      for (const s of surfaces) await s.start(ctx);
      started = surfaces;
    },
    async stop() {
      for (const s of started) await s.stop();
      started = [];
    },
  };
}
