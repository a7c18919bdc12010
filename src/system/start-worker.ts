import { Worker, type WorkerOptions } from 'node:worker_threads';
import { statSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface StartWorkerOptions extends Omit<WorkerOptions, 'eval'> {
  /**
   * Run from sources (tests, `tsx`), how the worker's own module is loaded: through tsx's
   * loader (the default), or the compiled one under dist/ (`npm run build` first), where a
   * TypeScript loader inside the thread would cost seconds (the emulated hw-sim VM); `auto`
   * takes the compiled one when it is there and not older than its source.
   */
  readonly fromSources?: 'tsx' | 'dist' | 'auto';
}

const SRC_ROOT = new URL('../', import.meta.url);
const DIST_ROOT = new URL('../../dist/', import.meta.url);

/**
 * The one way the box starts a worker thread: `entry` is the worker module's path relative
 * to `fromUrl` (the caller's import.meta.url), without its extension. Built, it is the .js
 * beside the caller; run from sources it is the .ts, loaded as `fromSources` says.
 */
export function startWorker(fromUrl: string, entry: string, options: StartWorkerOptions = {}): Worker {
  const { fromSources = 'tsx', ...workerOptions } = options;
  if (!fromUrl.endsWith('.ts')) return new Worker(new URL(`${entry}.js`, fromUrl), workerOptions);
  const source = new URL(`${entry}.ts`, fromUrl);
  const compiled = new URL(relative(fileURLToPath(SRC_ROOT), fileURLToPath(source)).replace(/\.ts$/, '.js'), DIST_ROOT);
  if (fromSources === 'dist' || (fromSources === 'auto' && isFresh(compiled, source)))
    return new Worker(compiled, workerOptions);
  const api = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(source.href)}); })`;
  return new Worker(boot, { ...workerOptions, eval: true });
}

/** True when `compiled` exists and was built after `source` last changed. */
function isFresh(compiled: URL, source: URL): boolean {
  try {
    return statSync(compiled).mtimeMs >= statSync(source).mtimeMs;
  } catch {
    return false;
  }
}
