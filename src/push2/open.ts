import type { BoxSurface } from '../box/surface.js';
import type { Push2Config } from './config.js';
import { WorkerFrameRenderer } from './frame-renderer.js';
import { Push2Surface } from './push2-surface.js';
import { UsbDisplayOpener } from './usb-display.js';

/** The real Push 2 surface (display over `usb`, rendered in a worker) when `[push2]` is enabled. */
export function openPush2Surfaces(config: Push2Config): BoxSurface[] {
  return config.enabled
    ? [new Push2Surface({ config, opener: new UsbDisplayOpener(), renderer: () => new WorkerFrameRenderer() })]
    : [];
}
