import { describe, expect, it } from 'vitest';
import { performRig, TWO_VOICES, type SentMessage } from './test-rig.js';
import type { CountingState } from './testing.js';

const first = (xs: SentMessage[]): number => xs[0]?.atMs ?? NaN;

describe('call endings', () => {
  it('a silent bar ends the call; the response starts on that bar line, as long as the call', async () => {
    const rig = performRig();
    rig.playBar(1);
    rig.playBar(2);
    await rig.run(rig.at(9));
    expect(rig.exchanges).toHaveLength(1);
    const x = rig.exchanges[0];
    expect(x?.call).toMatchObject({ startBar: 1, bars: 2, endReason: 'silence', source: 'human' });
    expect(x?.turns[0]).toMatchObject({ startBar: 4, bars: 2, slippedBars: 0 });
    const ons = rig.noteOns('A');
    expect(first(ons)).toBeGreaterThanOrEqual(rig.at(4));
    expect(first(ons)).toBeLessThan(rig.at(4, 1));
    expect(Math.max(...ons.map((s) => s.atMs))).toBeLessThan(rig.at(6));
    expect(rig.engine.stats.slips).toBe(0);
  });

  it('the end-call control ends the call at the coming bar line', async () => {
    const rig = performRig();
    rig.playBar(1);
    rig.hit(rig.at(2, 0));
    rig.hit(rig.at(2, 4), 38);
    rig.control(rig.at(2, 9), { kind: 'endCall' });
    await rig.run(rig.at(6));
    expect(rig.exchanges[0]?.call).toMatchObject({ startBar: 1, bars: 2, endReason: 'control' });
    expect(rig.exchanges[0]?.turns[0]?.startBar).toBe(3);
    expect(first(rig.noteOns())).toBeGreaterThanOrEqual(rig.at(3));
  });

  it('an end-call pressed after the decision point still ends on the coming bar line', async () => {
    const rig = performRig();
    rig.playBar(1);
    rig.control(rig.at(1, 15, 60), { kind: 'endCall' });
    await rig.run(rig.at(5));
    expect(rig.exchanges[0]?.call).toMatchObject({ bars: 1, endReason: 'control' });
    expect(rig.exchanges[0]?.turns[0]?.startBar).toBe(2);
  });

  it('the maximum length ends a call that never stops', async () => {
    const rig = performRig({ params: { maxCallBars: 2 } });
    for (let b = 0; b < 4; b++) rig.playBar(b);
    await rig.run(rig.at(4));
    expect(rig.exchanges[0]?.call).toMatchObject({ startBar: 0, bars: 2, endReason: 'max-length' });
    expect(rig.exchanges[0]?.turns[0]?.startBar).toBe(2);
  });

  it('ignores a call shorter than the minimum', async () => {
    const rig = performRig({ params: { minCallBars: 2 } });
    rig.playBar(1);
    await rig.run(rig.at(6));
    expect(rig.exchanges).toHaveLength(0);
    expect(rig.engine.stats.ignoredCalls).toBe(1);
    expect(rig.noteOns()).toHaveLength(0);
  });

  it('a hit late in the "silent" bar withdraws the response and the call goes on', async () => {
    const rig = performRig();
    rig.playBar(1);
    rig.playBar(2);
    rig.hit(rig.at(3, 15), 49, 110); // after the decision point for bar 4
    await rig.run(rig.at(10));
    expect(rig.engine.stats.cancelledSpeculations).toBe(1);
    expect(rig.exchanges).toHaveLength(1);
    expect(rig.exchanges[0]?.call).toMatchObject({ startBar: 1, bars: 3, endReason: 'silence' });
    expect(rig.exchanges[0]?.turns[0]?.startBar).toBe(5);
    expect(first(rig.noteOns())).toBeGreaterThanOrEqual(rig.at(5));
  });
});

describe('slipping', () => {
  it('slips by whole bars when generation is slow, never sending late, and counts it', async () => {
    const rig = performRig({ costMs: () => 2500 });
    rig.playBar(1);
    rig.playBar(2);
    await rig.run(rig.at(10));
    const turn = rig.exchanges[0]?.turns[0];
    expect(turn?.slippedBars).toBe(2);
    expect(turn?.startBar).toBe(6);
    expect(rig.engine.stats).toMatchObject({ slips: 1, slippedBars: 2 });
    expect(rig.logs.some((l) => l.msg === 'response slipped' && l.fields.bars === 2)).toBe(true);
    expect(first(rig.noteOns())).toBeGreaterThanOrEqual(rig.at(6));
  });

  it('learns the generation time, so the next decision comes earlier and does not slip', async () => {
    const rig = performRig({ costMs: (r) => (r.primer.length + r.steps) * 10 });
    rig.playBar(1);
    await rig.run(rig.at(4));
    rig.playBar(4);
    await rig.run(rig.at(8));
    expect(rig.exchanges.map((x) => x.turns[0]?.slippedBars)).toEqual([1, 0]);
  });
});

describe('voices and modes', () => {
  it('chain: A answers the human, B answers A', async () => {
    const rig = performRig({ params: { mode: 'chain', voices: TWO_VOICES } });
    rig.playBar(1);
    rig.playBar(2);
    await rig.run(rig.at(9));
    const x = rig.exchanges[0];
    expect(x?.turns.map((t) => [t.voice, t.startBar, t.bars])).toEqual([
      ['A', 4, 2],
      ['B', 6, 2],
    ]);
    expect(rig.models.get('model-b')?.requests[0]?.primer).toEqual(x?.turns[0]?.events);
    expect(
      rig.noteOns('B').every((s) => s.voice === 'B' && s.message.type === 'noteOn' && s.message.channel === 10),
    ).toBe(true);
    expect(first(rig.noteOns('B'))).toBeGreaterThanOrEqual(rig.at(6));
  });

  it('loop: A and B trade bars until the human breaks in, with nothing left sounding', async () => {
    const rig = performRig({ params: { mode: 'loop', voices: TWO_VOICES, responseBars: 1 } });
    rig.playBar(1);
    rig.hit(rig.at(12, 0, 3), 38, 120);
    await rig.run(rig.at(12, 0, 2));
    const voices = [...new Set(rig.noteOns().map((s) => `${s.voice}@${Math.floor(s.atMs / rig.barMs)}`))];
    expect(voices).toEqual(['A@3', 'B@4', 'A@5', 'B@6', 'A@7', 'B@8', 'A@9', 'B@10', 'A@11', 'B@12']);
    await rig.run(rig.at(16));
    const after = rig.noteOns().filter((s) => s.atMs > rig.at(12, 0, 3) && s.atMs < rig.at(14));
    expect(after).toHaveLength(0);
    expectNoStuckNotes(rig.sent);
    expect(rig.logs.some((l) => l.msg === 'human breaks into the loop')).toBe(true);
  });

  it('loop guard: a silent turn is regenerated hotter, then reseeded from the human call', async () => {
    const rig = performRig({ params: { mode: 'loop', voices: TWO_VOICES, responseBars: 1 } });
    const b = rig.models.get('model-b');
    if (!b) throw new Error('no model-b');
    const humanCall = (): Uint16Array | undefined => rig.models.get('model-a')?.requests[0]?.primer;
    b.shape = (r) => (r.primer.every((e, i) => e === humanCall()?.[i]) ? 'groove' : 'silent');
    rig.playBar(1);
    await rig.run(rig.at(6));
    expect(rig.engine.stats.loopRegenerations).toBeGreaterThanOrEqual(2);
    expect(rig.engine.stats.loopReseeds).toBeGreaterThanOrEqual(1);
    const temps = b.requests.map((r) => r.temperature);
    expect(temps[1]).toBeGreaterThan(temps[0] ?? Infinity);
    expect(rig.noteOns('B').length).toBeGreaterThan(0);
  });
});

describe('controls', () => {
  it('panic stops a response mid-bar: note-offs for what sounds, all-notes-off, then nothing', async () => {
    const rig = performRig();
    rig.playBar(1);
    rig.control(rig.at(3, 4, 2), { kind: 'panic' });
    await rig.run(rig.at(6));
    const panicAt = rig.at(3, 4, 2);
    expect(
      rig.sent.some((s) => s.message.type === 'controlChange' && s.message.controller === 123 && s.atMs === panicAt),
    ).toBe(true);
    expect(rig.sent.filter((s) => s.atMs > panicAt)).toHaveLength(0);
    expectNoStuckNotes(rig.sent);
    expect(rig.engine.state).toBe('idle');
  });

  it('carries model state across exchanges, and not when switched off', async () => {
    for (const carryState of [true, false]) {
      const rig = performRig({ params: { carryState } });
      rig.playBar(1);
      await rig.run(rig.at(4));
      rig.playBar(4);
      await rig.run(rig.at(8));
      const reqs = rig.models.get('default')?.requests ?? [];
      expect(reqs).toHaveLength(2);
      expect((reqs[1]?.state as CountingState | undefined)?.generations).toBe(carryState ? 1 : undefined);
    }
  });

  it('mutate regenerates from the last response', async () => {
    const rig = performRig();
    rig.playBar(1);
    rig.control(rig.at(3, 8), { kind: 'mutate' });
    await rig.run(rig.at(7));
    expect(rig.exchanges).toHaveLength(2);
    const [x1, x2] = rig.exchanges;
    expect(x2?.call.source).toBe('mutate');
    expect(x2?.call.events).toEqual(x1?.turns[0]?.events);
    expect(x2?.turns[0]?.startBar).toBe(4);
  });

  it('loop-the-response repeats the response bar after bar until switched off', async () => {
    const rig = performRig({ params: { loopResponse: true } });
    rig.playBar(1);
    rig.control(rig.at(5, 8), { kind: 'loopResponse', on: false });
    await rig.run(rig.at(9));
    const bars = rig.noteOns().map((s) => Math.floor(s.atMs / rig.barMs));
    const perBar = (b: number): string =>
      rig
        .noteOns()
        .filter((s) => Math.floor(s.atMs / rig.barMs) === b)
        .map((s) => `${Math.round(s.atMs - b * rig.barMs)}:${s.message.type === 'noteOn' ? s.message.note : 0}`)
        .join();
    expect(new Set(bars)).toEqual(new Set([3, 4, 5]));
    expect(perBar(4)).toBe(perBar(3));
    expect(perBar(5)).toBe(perBar(3));
  });

  it("logs each response with total and per-step log-likelihood and the call's own", async () => {
    const rig = performRig();
    rig.playBar(1);
    await rig.run(rig.at(4));
    const line = rig.logs.find((l) => l.msg === 'response');
    expect(line?.fields).toMatchObject({ voice: 'A', bars: 1 });
    expect(typeof line?.fields.logLikelihood).toBe('number');
    expect(line?.fields.perStep).toBeCloseTo((line?.fields.logLikelihood as number) / 16, 2);
    expect(typeof line?.fields.callLogLikelihood).toBe('number');
  });

  it('reports idle, listening and responding', async () => {
    const rig = performRig();
    rig.playBar(1);
    await rig.run(rig.at(5));
    expect(rig.states).toEqual(['listening', 'responding', 'idle']);
  });
});

/** Every note-on is followed, on the same voice/channel/note, by a note-off (or all-notes-off). */
function expectNoStuckNotes(sent: readonly SentMessage[]): void {
  const sounding = new Map<string, number>();
  for (const s of sent) {
    const m = s.message;
    if (m.type === 'controlChange' && m.controller === 123) {
      for (const k of sounding.keys()) if (k.startsWith(`${s.voice}/${m.channel}/`)) sounding.delete(k);
    } else if (m.type === 'noteOn' && m.velocity > 0) sounding.set(`${s.voice}/${m.channel}/${m.note}`, s.atMs);
    else if (m.type === 'noteOff' || m.type === 'noteOn') sounding.delete(`${s.voice}/${m.channel}/${m.note}`);
  }
  expect([...sounding.keys()]).toEqual([]);
}
