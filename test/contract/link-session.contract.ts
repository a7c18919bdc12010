import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bpm } from '../../src/clock/units.js';
import type { LinkChange, LinkSample, LinkSession } from '../../src/link/link-session.js';

/** Two sessions on one isolated network, both still disabled, and that network's clock. */
export interface LinkHarness {
  readonly box: LinkSession;
  readonly peer: LinkSession;
  /** The monotonic clock samples are stamped on. */
  nowMs(): number;
  /** Lets time pass: virtual on the simulator, real on the real session. */
  wait(ms: number): Promise<void>;
  dispose(): Promise<void>;
}

/** The session's beat at `atMs`, extrapolated from its newest sample. */
function beatAt(sample: LinkSample, atMs: number): number {
  return sample.beat + ((atMs - sample.atMs) * sample.tempo) / 60_000;
}

export function linkSessionContract(name: string, makeHarness: () => Promise<LinkHarness>): void {
  describe(`LinkSession contract: ${name}`, () => {
    let h: LinkHarness;
    beforeEach(async () => {
      h = await makeHarness();
    });
    afterEach(async () => {
      await h.dispose();
    });

    async function eventually(check: () => boolean, what: string, withinMs: number): Promise<number> {
      const from = h.nowMs();
      while (!check()) {
        if (h.nowMs() - from > withinMs) throw new Error(`not within ${withinMs} ms: ${what}`);
        await h.wait(5);
      }
      return h.nowMs() - from;
    }

    it('samples only while enabled, in time order, stamped on the monotonic clock, beats moving at the tempo', async () => {
      const samples: LinkSample[] = [];
      h.box.onSample((s) => samples.push(s));
      h.box.setTempo(bpm(133));
      await h.wait(50);
      expect(samples).toHaveLength(0);
      h.box.enable();
      expect(h.box.enabled).toBe(true);
      await eventually(() => samples.length >= 20, '20 samples', 1000);
      for (let i = 1; i < samples.length; i++)
        expect(samples[i]?.atMs).toBeGreaterThan(samples[i - 1]?.atMs ?? Infinity);
      const first = samples[0];
      const last = samples.at(-1);
      if (!first || !last) throw new Error('no samples');
      expect(Math.abs(last.atMs - h.nowMs())).toBeLessThan(50);
      expect(last.tempo).toBeCloseTo(133, 3);
      expect(Math.abs(beatAt(first, last.atMs) - last.beat)).toBeLessThan(0.001);
      expect(last.phase).toBeCloseTo(((last.beat % 4) + 4) % 4, 9);
      h.box.disable();
      await h.wait(30);
      const count = samples.length;
      await h.wait(50);
      expect(samples.length).toBe(count);
    });

    it('joins a peer within 2 s, adopting its tempo and phase, and tells of each change once', async () => {
      const changes: LinkChange[] = [];
      h.peer.setTempo(bpm(97));
      h.peer.enable();
      // Link keeps the older session when two meet (age counts from enable; under 500 ms
      // apart the choice is by random id): the peer is older, as Live would be.
      await h.wait(700);
      h.box.onChange((c) => changes.push(c));
      h.box.enable();
      await eventually(
        () => h.box.latest()?.peers === 1 && Math.abs((h.box.latest()?.tempo ?? 0) - 97) < 0.001,
        'peer found at 97 BPM',
        2000,
      );
      const box = h.box.latest();
      const peer = h.peer.latest();
      if (!box || !peer) throw new Error('no samples');
      const diff = beatAt(box, peer.atMs) - peer.beat;
      // Beat counts may differ by whole bars; phase within a bar agrees.
      expect(Math.abs(diff - Math.round(diff / 4) * 4)).toBeLessThan(0.002);
      expect(
        changes
          .filter((c) => c.kind === 'peers')
          .map((c) => (c.kind === 'peers' ? c.peers : -1))
          .at(-1),
      ).toBe(1);
      const tempoChanges = changes.filter((c) => c.kind === 'tempo');
      expect(new Set(tempoChanges.map((c) => (c.kind === 'tempo' ? c.tempo : 0))).size).toBe(tempoChanges.length);
    });

    it('carries tempo both ways, and play state only with start/stop sync', async () => {
      h.peer.enable();
      await h.wait(700);
      h.box.setStartStopSync(true);
      h.peer.setStartStopSync(true);
      h.box.enable();
      await eventually(() => h.box.latest()?.peers === 1, 'peer found', 2000);
      h.box.setTempo(bpm(141));
      await eventually(() => Math.abs((h.peer.latest()?.tempo ?? 0) - 141) < 0.001, 'peer at the box tempo', 500);
      h.peer.setTempo(bpm(88));
      await eventually(() => Math.abs((h.box.latest()?.tempo ?? 0) - 88) < 0.001, 'box at the peer tempo', 500);
      h.box.setPlaying(true);
      await eventually(() => h.peer.latest()?.playing === true, 'peer playing', 500);
      h.peer.setPlaying(false);
      await eventually(() => h.box.latest()?.playing === false, 'box stopped', 500);
      h.box.setStartStopSync(false);
      h.peer.setPlaying(true);
      await h.wait(200);
      expect(h.box.latest()?.playing).toBe(false);
    });

    it('after dispose, calls no listener again', async () => {
      let samples = 0;
      h.box.onSample(() => samples++);
      h.box.enable();
      await eventually(() => samples > 3, 'samples', 1000);
      await h.box.dispose();
      const count = samples;
      await h.wait(100);
      expect(samples).toBe(count);
      expect(h.box.enabled).toBe(false);
    });
  });
}
