import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PageFeed } from '../web/page-messages.js';
import { demoDisplayState, demoSnapshot } from './demo-state.js';
import { differingShare } from './image.js';
import { PageStateError, snapshotFromPageHello } from './page-state.js';
import { decodePng } from './png.js';
import { renderDisplay } from './render.js';
import { push2Command } from './snapshot-command.js';

describe('antiphon push2 snapshot', () => {
  it('writes the demo display as a 960x160 PNG', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'p2snap-')), 'out.png');
    const lines: string[] = [];
    expect(await push2Command(['snapshot', file, '--page', '2'], (l) => lines.push(l))).toBe(0);
    const img = decodePng(readFileSync(file));
    expect(differingShare(img, renderDisplay(demoDisplayState(undefined, 1)), 0)).toBe(0);
    expect(lines[0]).toMatch(/960x160, demo/);
  });

  it('refuses a bad page or a missing file name', async () => {
    expect(await push2Command(['snapshot', 'x.png', '--page', '9'])).toBe(2);
    expect(await push2Command(['snapshot'])).toBe(2);
  });

  it("reads a running box's /state (the page hello) back into a snapshot that draws the same", () => {
    const snap = demoSnapshot();
    const hello = JSON.parse(JSON.stringify(new PageFeed(snap).hello(snap, false))) as unknown;
    const back = snapshotFromPageHello(hello);
    expect(back.parameters).toEqual(snap.parameters);
    expect(differingShare(renderDisplay(demoDisplayState(back)), renderDisplay(demoDisplayState(snap)), 0)).toBe(0);
    expect(() => snapshotFromPageHello({ kind: 'beat' })).toThrow(PageStateError);
  });
});
