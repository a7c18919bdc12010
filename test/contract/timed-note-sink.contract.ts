import { afterEach, describe, expect, it } from 'vitest';
import type { MidiMessage } from '../../src/midi/message.js';
import type { TimedNoteSink, TimedSend } from '../../src/perform/note-sink.js';

/** One lookahead queue and what came out of it, for the contract. */
export interface NoteSinkHarness {
  readonly sink: TimedNoteSink;
  /** Now, on the clock the sink's entries are timed by (ms). */
  now(): number;
  /** Lets `ms` of the sink's time pass (virtual time is advanced; real time is waited). */
  pass(ms: number): Promise<void>;
  /** Messages that came out, in order. */
  received(): readonly MidiMessage[];
  /** Entries that went out before their time (a real thread counts them itself). */
  early(): Promise<number>;
  /** Stretches every time in the suite (an emulated VM needs room between steps); default 1. */
  readonly timeScale?: number;
  dispose(): Promise<void>;
}

const on = (note: number): MidiMessage => ({ type: 'noteOn', channel: 9, note, velocity: 100 });
const off = (note: number): MidiMessage => ({ type: 'noteOff', channel: 9, note, velocity: 0 });
let nextId = 1;
const entry = (message: MidiMessage, atMs: number, tag = 'turn:on'): TimedSend => ({
  id: nextId++,
  message,
  voice: 'a',
  atMs,
  tag,
});
const notes = (h: NoteSinkHarness): number[] =>
  h.received().map((m) => (m.type === 'noteOn' ? m.note : m.type === 'noteOff' ? -m.note : NaN));

/**
 * The TimedNoteSink contract (see its TSDoc), run against the main-thread scheduler's queue
 * on virtual time and against the box's output thread writing a real pty.
 */
export function timedNoteSinkContract(name: string, makeHarness: () => Promise<NoteSinkHarness>): void {
  describe(`TimedNoteSink contract: ${name}`, () => {
    let h: NoteSinkHarness | undefined;
    afterEach(async () => {
      await h?.dispose();
      h = undefined;
    });

    it('sends in time order whatever the order handed over, and never early', async () => {
      h = await makeHarness();
      const k = h.timeScale ?? 1;
      const t = h.now();
      h.sink.sendAt(entry(on(38), t + k * 120));
      h.sink.sendAt(entry(on(36), t + k * 100));
      h.sink.sendAt(entry(off(36), t + k * 110, 'turn:off'));
      await h.pass(k * 30);
      expect(notes(h)).toEqual([]);
      await h.pass(k * 250);
      expect(notes(h)).toEqual([36, -36, 38]);
      expect(await h.early()).toBe(0);
    });

    it('moves queued entries to their new time, and never resends one already out', async () => {
      h = await makeHarness();
      const k = h.timeScale ?? 1;
      const t = h.now();
      const first = entry(on(36), t + k * 20);
      const second = entry(on(38), t + k * 150);
      h.sink.sendAt(first);
      h.sink.sendAt(second);
      await h.pass(k * 60);
      h.sink.move([
        { id: first.id, atMs: t + k * 200 },
        { id: second.id, atMs: t + k * 220 },
      ]);
      h.sink.sendAt(entry(on(42), t + k * 210));
      await h.pass(k * 300);
      expect(notes(h)).toEqual([36, 42, 38]);
    });

    it('cancel drops one tag from a time on, and a later sendNow follows it', async () => {
      h = await makeHarness();
      const k = h.timeScale ?? 1;
      const t = h.now();
      h.sink.sendAt(entry(on(36), t + k * 15, 'x:on'));
      h.sink.sendAt(entry(on(38), t + k * 150, 'x:on'));
      h.sink.sendAt(entry(on(42), t + k * 170, 'y:on'));
      await h.pass(k * 60);
      h.sink.cancel('x:on', t + k * 60);
      h.sink.sendNow(off(36), 'a');
      await h.pass(k * 300);
      expect(notes(h)).toEqual([36, -36, 42]);
    });
  });
}
