import { describe, expect, it } from 'vitest';
import { performRig } from '../perform/test-rig.js';
import { renderExchange, shade } from './drum-grid.js';

describe('terminal drum grid', () => {
  it('shades by velocity', () => {
    expect([undefined, 30, 70, 100, 120].map(shade).join('')).toBe('·░▒▓█');
  });

  it('draws the call and the response, rows = drums, columns = 16ths with bar lines', async () => {
    const rig = performRig();
    rig.playBar(1);
    await rig.run(rig.at(4));
    const x = rig.exchanges[0];
    if (!x) throw new Error('no exchange');
    const text = renderExchange(x);
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^exchange \d+ {2}120 BPM {2}mode answer/);
    expect(lines[1]).toMatch(/^CALL \(human\) bar 1, 1 bar\(s\), ended by silence {2}call log-likelihood -\d/);
    const kick = lines.find((l) => l.startsWith('  kick'));
    // Human kicks on 1 and 3 (velocity 96 = strong); nothing between.
    expect(kick).toBe('  kick     |▓·······▓·······|');
    expect(lines.some((l) => l.startsWith('VOICE A (default) bar 3, T=1.00  log-likelihood -'))).toBe(true);
  });
});
