import { describe, expect, it } from 'vitest';
import { performRig, TWO_VOICES } from './test-rig.js';
import { ResponseHistory } from './response-history.js';

const noteOffsOrAllOff = (rig: ReturnType<typeof performRig>, fromMs: number) =>
  rig.sent.filter(
    (s) =>
      s.atMs >= fromMs &&
      (s.message.type === 'noteOff' || (s.message.type === 'controlChange' && s.message.controller === 123)),
  );

describe('transport', () => {
  it('stop silences a response mid-way, with a note-off for every note it left sounding, and nothing plays after', async () => {
    const rig = performRig({ params: { gateSteps: 3 } });
    rig.playBar(1);
    rig.playBar(2);
    // The answer starts on bar 4; stop half a step after its first note.
    const stopAt = rig.at(4, 0, rig.stepMs / 2);
    rig.control(stopAt, { kind: 'transport', playing: false });
    await rig.run(rig.at(10));
    const sounding = rig.noteOns().filter((s) => s.atMs <= stopAt);
    expect(sounding.length).toBeGreaterThan(0);
    expect(rig.noteOns().filter((s) => s.atMs > stopAt)).toEqual([]);
    const offs = noteOffsOrAllOff(rig, stopAt).filter((s) => s.atMs === stopAt);
    for (const on of sounding)
      expect(
        offs.some((o) => o.message.type === 'noteOff' && o.message.note === (on.message as { note: number }).note),
      ).toBe(true);
    expect(offs.some((o) => o.message.type === 'controlChange')).toBe(true);
    expect(rig.engine.playing).toBe(false);
    expect(rig.states.at(-1)).toBe('idle');
  });

  it('ignores hits while stopped, and listens again after play', async () => {
    const rig = performRig();
    rig.control(rig.at(0, 2), { kind: 'transport', playing: false });
    rig.playBar(1);
    rig.playBar(2);
    await rig.run(rig.at(7));
    expect(rig.states).toEqual([]);
    expect(rig.exchanges).toHaveLength(0);
    rig.control(rig.at(7, 2), { kind: 'transport', playing: true });
    rig.playBar(8);
    await rig.run(rig.at(12));
    expect(rig.exchanges[0]?.call).toMatchObject({ startBar: 8, bars: 1 });
  });

  it('a generation that finishes after stop plays nothing', async () => {
    const rig = performRig({ costMs: () => 900 });
    rig.playBar(1);
    rig.playBar(2);
    // The call ends at bar 3's silence decision; the generation is in flight when stop comes.
    rig.control(rig.at(3, 15), { kind: 'transport', playing: false });
    await rig.run(rig.at(8));
    expect(rig.noteOns()).toEqual([]);
  });
});

describe('undo', () => {
  it('plays the previous response again from the next bar line, and the latest is forgotten', async () => {
    const rig = performRig();
    rig.playBar(1);
    await rig.run(rig.at(6));
    rig.playBar(6);
    await rig.run(rig.at(11));
    expect(rig.exchanges).toHaveLength(2);
    const [first, second] = rig.exchanges.map((x) => x.turns[0]);
    expect(rig.engine.undoDepth).toBe(1);
    rig.control(rig.at(11, 5), { kind: 'undo' });
    await rig.run(rig.at(14));
    // Bar 12: the first response's notes, moved to start there.
    const replay = rig.noteOns().filter((s) => s.atMs >= rig.at(12));
    const shift = (12 - (first?.startBar ?? 0)) * 16 * 6;
    expect(replay.map((s) => (s.message as { note: number }).note)).toEqual((first?.notes ?? []).map((n) => n.pitch));
    expect(replay.map((s) => Math.round(rig.view.tickAt(s.atMs as never)))).toEqual(
      (first?.notes ?? []).map((n) => Math.round(n.tick + shift)),
    );
    expect(second).toBeDefined();
    expect(rig.engine.undoDepth).toBe(0);
    rig.control(rig.at(14, 1), { kind: 'undo' });
    await rig.run(rig.at(16));
    expect(rig.noteOns().filter((s) => s.atMs >= rig.at(15))).toEqual([]);
    expect(rig.logs.some((l) => l.msg === 'undo: no earlier response')).toBe(true);
  });

  it('with loop-the-response on, the replayed response is the one that repeats', async () => {
    const rig = performRig({ params: { loopResponse: false } });
    rig.playBar(1);
    await rig.run(rig.at(6));
    rig.playBar(6);
    await rig.run(rig.at(10));
    const first = rig.exchanges[0]?.turns[0];
    rig.control(rig.at(10, 1), { kind: 'loopResponse', on: true });
    rig.control(rig.at(10, 2), { kind: 'undo' });
    await rig.run(rig.at(14));
    const bars = [11, 12, 13].map((b) =>
      rig
        .noteOns()
        .filter((s) => s.atMs >= rig.at(b) && s.atMs < rig.at(b + 1))
        .map((s) => (s.message as { note: number }).note),
    );
    const pitches = (first?.notes ?? []).map((n) => n.pitch);
    expect(bars).toEqual([pitches, pitches, pitches]);
  });

  it('in loop mode the loop goes on from the replayed turn, with the voice that followed it', async () => {
    const rig = performRig({ params: { mode: 'loop', voices: TWO_VOICES } });
    // Every generation in order: which model, what it was primed with, what it made.
    const made: { model: string; primer: Uint16Array; events: Uint16Array }[] = [];
    for (const [name, m] of rig.models) {
      const generate = m.generate.bind(m);
      m.generate = async (r) => {
        const result = await generate(r);
        made.push({ model: name, primer: r.primer, events: result.events });
        return result;
      };
    }
    rig.playBar(1);
    await rig.run(rig.at(7, 8));
    const before = made.length;
    // The latest response is the newest generation; undo goes back to the one before it.
    const previous = made[before - 2];
    rig.control(rig.at(7, 9), { kind: 'undo' });
    await rig.run(rig.at(10));
    const next = made[before];
    expect(previous).toBeDefined();
    expect(next?.model).toBe(previous?.model === 'model-a' ? 'model-b' : 'model-a');
    expect([...(next?.primer ?? [])]).toEqual([...(previous?.events ?? [])]);
  });

  it('is ignored while stopped', async () => {
    const rig = performRig();
    rig.playBar(1);
    await rig.run(rig.at(6));
    rig.playBar(6);
    await rig.run(rig.at(11));
    rig.control(rig.at(11, 1), { kind: 'transport', playing: false });
    rig.control(rig.at(11, 2), { kind: 'undo' });
    await rig.run(rig.at(14));
    expect(rig.noteOns().filter((s) => s.atMs >= rig.at(11, 1))).toEqual([]);
    expect(rig.engine.undoDepth).toBe(1);
  });
});

describe('response history', () => {
  it('keeps a few responses and goes back one at a time', () => {
    const h = new ResponseHistory(3);
    const entry = (n: number) => ({ turn: { tag: `t${n}` }, record: {}, voiceIndex: 0 }) as never;
    expect(h.back()).toBeUndefined();
    for (let i = 1; i <= 5; i++) h.push(entry(i));
    expect(h.depth).toBe(2);
    expect((h.back() as { turn: { tag: string } } | undefined)?.turn.tag).toBe('t4');
    expect((h.back() as { turn: { tag: string } } | undefined)?.turn.tag).toBe('t3');
    expect(h.back()).toBeUndefined();
    expect(h.depth).toBe(0);
  });
});
