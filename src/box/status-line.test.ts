import { describe, expect, it } from 'vitest';
import { idleSnapshot } from './box-state.js';
import { statusLine } from './status-line.js';

const base = idleSnapshot({
  parameters: { global: {}, voices: [] },
  models: [],
  clock: { source: 'internal', mode: 'auto', tempo: 120, locked: false },
});

describe('the status line systemd shows', () => {
  it('says what the box does and which clock it plays to', () => {
    expect(statusLine(base)).toBe('idle, leading at 120.0 BPM');
    expect(
      statusLine({
        ...base,
        engine: 'responding',
        clock: { ...base.clock, source: 'external', tempo: 98, locked: true },
      }),
    ).toBe('answering, following a MIDI clock at 98.0 BPM');
    expect(statusLine({ ...base, demo: true, engine: 'listening' })).toBe('DEMO (no pad), leading at 120.0 BPM');
    const link = { enabled: true, peers: 2, tempo: 97, playing: true };
    expect(statusLine({ ...base, clock: { ...base.clock, source: 'link', tempo: 97, locked: true, link } })).toBe(
      'idle, following Link at 97.0 BPM with 2 peers',
    );
    expect(
      statusLine({ ...base, clock: { ...base.clock, source: 'link', locked: true, link: { ...link, peers: 0 } } }),
    ).toBe('idle, following Link at 120.0 BPM with no peers');
  });

  it('puts the newest error first, never a warning', () => {
    const problems = [
      { level: 'error', code: 'model', message: "model 'x': corrupt", atMs: 1 },
      { level: 'warning', code: 'config', message: 'perform.tempo_bpm: bad', atMs: 2 },
    ] as const;
    expect(statusLine({ ...base, problems })).toBe("error: model 'x': corrupt; idle, leading at 120.0 BPM");
  });
});
