import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { NoteTracker } from './note-tracker.js';

describe('NoteTracker', () => {
  it('releases exactly the notes a vanished source left sounding, on the outputs that played them', () => {
    const t = new NoteTracker();
    t.noteOn('pad', 'synth', 9, 36);
    t.noteOn('pad', 'din', 9, 36);
    t.noteOn('pad', 'synth', 9, 38);
    t.noteOff('pad', 'synth', 9, 38);
    t.noteOn('model', 'synth', 9, 42);
    expect(t.releaseSource('pad')).toEqual([
      { output: 'synth', channel: 9, note: 36 },
      { output: 'din', channel: 9, note: 36 },
    ]);
    expect(t.releaseSource('pad')).toEqual([]);
    expect(t.soundingCount).toBe(1);
  });

  it('forgets notes on an output that vanished', () => {
    const t = new NoteTracker();
    t.noteOn('pad', 'synth', 9, 36);
    t.noteOn('pad', 'din', 9, 36);
    t.forgetOutput('synth');
    expect(t.releaseAll()).toEqual([{ output: 'din', channel: 9, note: 36 }]);
  });

  it('after any on/off sequence, sounding = ons without a later off', () => {
    const event = fc.record({ on: fc.boolean(), note: fc.integer({ min: 0, max: 5 }), out: fc.constantFrom('a', 'b') });
    fc.assert(
      fc.property(fc.array(event, { maxLength: 60 }), (events) => {
        const t = new NoteTracker();
        const model = new Set<string>();
        for (const e of events) {
          if (e.on) {
            t.noteOn('s', e.out, 0, e.note);
            model.add(`${e.out}${e.note}`);
          } else {
            t.noteOff('s', e.out, 0, e.note);
            model.delete(`${e.out}${e.note}`);
          }
        }
        const released = t.releaseAll().map((n) => `${n.output}${n.note}`);
        return released.length === model.size && released.every((k) => model.has(k));
      }),
    );
  });
});
