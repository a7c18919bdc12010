import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { beforeAll, describe, expect, it } from 'vitest';
import { respondCommand } from '../../src/cli/respond-command.js';
import { bpm, TICKS_PER_STEP, ticks } from '../../src/clock/units.js';
import { exchangeToSmf } from '../../src/record/exchange-smf.js';
import { readSmf } from '../../src/record/smf-read.js';
import { renderWav } from '../../src/synth/render-wav.js';
import { ensureFluidSynth } from './debian-packages.js';
import { onsetSeconds, readWav, rms } from './wav.js';

const silent = pino({ level: 'silent' });

beforeAll(() => ensureFluidSynth(), 900_000);

/** A one-bar backbeat from file bar 1 (2 s at 120 BPM). */
function writeCall(dir: string): string {
  const notes = Array.from({ length: 16 }, (_, step) => ({
    pitch: step % 8 === 0 ? 36 : step % 8 === 4 ? 38 : 42,
    velocity: 100,
    tick: ticks((16 + step) * TICKS_PER_STEP),
    durationTicks: ticks(3),
  }));
  const path = join(dir, 'call.mid');
  writeFileSync(
    path,
    exchangeToSmf({
      id: 0,
      mode: 'file',
      tempo: bpm(120),
      stepsPerBar: 16,
      call: { source: 'human', startBar: 1, bars: 1, endReason: 'n/a', notes, events: new Uint16Array() },
      turns: [],
    }),
  );
  return path;
}

describe('antiphon respond --wav', () => {
  it('renders the exchange through FluidSynth and the box soundfont: 48 kHz audio that starts on the first note', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'antiphon-wav-'));
    const mid = join(dir, 'out.mid');
    const wavFile = join(dir, 'out.wav');
    const lines: string[] = [];
    expect(
      await respondCommand(
        [writeCall(dir), '-o', mid, '--bars', '1', '--seed', '3', '--wav', wavFile],
        silent,
        (l) => void lines.push(l),
      ),
    ).toBe(0);
    expect(lines.at(-1)).toBe(`wrote ${wavFile}`);
    const wav = readWav(readFileSync(wavFile));
    expect(wav.sampleRate).toBe(48_000);
    const smf = readSmf(readFileSync(mid), mid);
    const first = Math.min(...smf.tracks.flatMap((t) => t.notes.map((n) => n.startTick)));
    const firstSeconds = (first / smf.ticksPerBeat) * 0.5;
    // The file's lead-in bar is silent, then the call's kick speaks within a few ms of its note.
    expect(rms(wav.samples, 0, Math.floor((firstSeconds - 0.05) * wav.sampleRate))).toBeLessThan(1e-4);
    expect(Math.abs((onsetSeconds(wav) ?? Infinity) - firstSeconds)).toBeLessThan(0.02);
    // The call in file bar 1 and the answer in the bar after it, both audible.
    for (const bar of [1, 2])
      expect(rms(wav.samples, bar * 2 * wav.sampleRate, (bar + 1) * 2 * wav.sampleRate), `bar ${bar}`).toBeGreaterThan(
        0.005,
      );
    expect(existsSync(`${wavFile}.tmp.wav`)).toBe(false);
  }, 60_000);

  it('names what is missing instead of writing a file: no FluidSynth, no soundfont', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'antiphon-wav-'));
    const base = {
      soundfont: '/usr/share/sounds/sf2/TimGM6mb.sf2',
      midiFile: writeCall(dir),
      wavFile: join(dir, 'x.wav'),
      sampleRate: 48_000,
      gain: 0.6,
    };
    await expect(renderWav({ ...base, command: 'no-such-fluidsynth' })).rejects.toThrow(
      'no-such-fluidsynth is not installed (apt-get install fluidsynth)',
    );
    await expect(renderWav({ ...base, command: 'fluidsynth', soundfont: '/nowhere.sf2' })).rejects.toThrow(
      'soundfont /nowhere.sf2 not found',
    );
    expect(existsSync(base.wavFile)).toBe(false);
  });
});
