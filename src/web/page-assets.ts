import { readFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A file the page loads, held in memory: the whole page is a few hundred kB and a stage has no internet. */
export interface PageAsset {
  readonly type: string;
  readonly body: Buffer;
}

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/** The page's own files, in src/web/public (the same folder whether run from src/ by tsx or from dist/). */
const OWN = ['index.html', 'app.js', 'grid.js', 'plot.js', 'controls.js', 'style.css'] as const;

/**
 * uPlot is read from node_modules at run time rather than copied into the repo: the lock file
 * pins it, its licence travels with it, and there is no second copy to keep in step.
 */
const UPLOT = {
  'uPlot.iife.min.js': 'uplot/dist/uPlot.iife.min.js',
  'uPlot.min.css': 'uplot/dist/uPlot.min.css',
} as const;

/** The package root: the nearest folder above this module with a package.json. */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
  return dir;
}

const typeOf = (name: string): string => TYPES[name.slice(name.lastIndexOf('.'))] ?? 'application/octet-stream';

/** Loads every asset, by URL path ('/' for the page itself). Throws, naming the file, when one is missing. */
export function loadPageAssets(): Map<string, PageAsset> {
  const root = packageRoot();
  const assets = new Map<string, PageAsset>();
  for (const name of OWN)
    assets.set(name === 'index.html' ? '/' : `/${name}`, {
      type: typeOf(name),
      body: readFileSync(join(root, 'src/web/public', name)),
    });
  const require = createRequire(join(root, 'package.json'));
  for (const [name, spec] of Object.entries(UPLOT))
    assets.set(`/${name}`, { type: typeOf(name), body: readFileSync(require.resolve(spec)) });
  return assets;
}
