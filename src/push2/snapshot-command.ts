import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { demoDisplayState } from './demo-state.js';
import { snapshotFromPageHello } from './page-state.js';
import { encodePng } from './png.js';
import { renderDisplay } from './render.js';

const USAGE = `antiphon push2 snapshot OUT.png [--from URL] [--page N]
  renders Push 2's display to a PNG: the running box's (its web page at URL, e.g.
  http://antiphon.local:8080) or, without --from, a demo exchange; --page 1..4 picks the
  encoder page shown`;

/** `antiphon push2 ...`: the display as a PNG, for documentation and for people to look at. */
export async function push2Command(
  args: readonly string[],
  out: (line: string) => void = (l) => void process.stdout.write(`${l}\n`),
): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: { from: { type: 'string' }, page: { type: 'string' } },
    allowPositionals: true,
    strict: true,
  });
  const [sub, file] = positionals;
  if (sub !== 'snapshot' || file === undefined) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const page = values.page === undefined ? 1 : Number(values.page);
  if (!Number.isInteger(page) || page < 1 || page > 4) {
    process.stderr.write(`antiphon push2 snapshot: --page must be 1..4, got '${values.page}'\n`);
    return 2;
  }
  let snapshot;
  if (values.from !== undefined) {
    const url = new URL('/state', values.from);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      snapshot = snapshotFromPageHello(await res.json());
    } catch (e) {
      process.stderr.write(
        `antiphon push2 snapshot: cannot read the box's state at ${url.href}: ${(e as Error).message}\n`,
      );
      return 1;
    }
  }
  const img = renderDisplay(demoDisplayState(snapshot, page - 1));
  writeFileSync(file, encodePng(img));
  out(`wrote ${file} (${img.width}x${img.height}, ${snapshot ? `from ${values.from}` : 'demo'})`);
  return 0;
}
