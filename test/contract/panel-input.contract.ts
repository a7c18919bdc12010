import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EV_KEY, EV_REL, EV_SYN, SYN_DROPPED, eventPacket, type InputEvent } from '../../src/panel/evdev-records.js';
import type { InputEventSource } from '../../src/panel/input-source.js';

/** One side of the panel-input seam, with a way to make devices appear, talk and vanish. */
export interface InputHarness {
  readonly source: InputEventSource;
  /** Makes an event device named `name` appear (not yet opened: the source finds it). */
  plug(name: string): Promise<void>;
  /** Has the device write these events, as the kernel would. */
  write(name: string, events: readonly InputEvent[]): Promise<void>;
  unplug(name: string): Promise<void>;
  /**
   * Has the device write `events` (far more than the kernel keeps per reader, 64) while the
   * reader cannot read, so the kernel drops them: a real kernel's overrun, or what it leaves.
   */
  overrun(name: string, events: readonly InputEvent[]): Promise<void>;
  dispose(): Promise<void>;
}

async function eventually(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export function panelInputContract(
  name: string,
  makeHarness: () => Promise<InputHarness>,
  devices: readonly [string, string],
): void {
  const [first, second] = devices;
  describe(`InputEventSource contract: ${name}`, () => {
    let h: InputHarness;
    let got: { device: string; event: InputEvent }[];
    let gone: string[];
    beforeEach(async () => {
      h = await makeHarness();
      got = [];
      gone = [];
    });
    afterEach(async () => {
      h.source.stop();
      await h.dispose();
    });
    const start = (): void =>
      h.source.start(
        (device, event) => got.push({ device, event }),
        (device) => gone.push(device),
      );

    it('opens the devices present at start, and new ones on a scan', async () => {
      await h.plug(first);
      start();
      expect(h.source.devices()).toEqual([first]);
      await h.plug(second);
      h.source.rescan();
      expect([...h.source.devices()].sort()).toEqual([first, second].sort());
    });

    it('delivers every event whole and in order, SYN_REPORTs and timestamps included', async () => {
      await h.plug(first);
      start();
      // Only what a kernel passes on: turns are non-zero, a key alternates press and release.
      const sent: InputEvent[] = [];
      for (let i = 0; i < 300; i++)
        sent.push(
          ...eventPacket(
            i % 2 === 0 ? EV_REL : EV_KEY,
            i % 2 === 0 ? 1 : 0x100,
            i % 2 === 0 ? (i % 4 === 0 ? 1 : -1) : i % 4 === 1 ? 1 : 0,
            1_700_000_000_000 + i * 1.5,
          ),
        );
      // In bursts of 30 events: a kernel keeps at least 64 per reader before it drops (SYN_DROPPED),
      // far more than a panel sends between two reads. The first burst ends mid-packet.
      for (let from = 0; from < sent.length; from += from === 0 ? 7 : 30) {
        const to = from === 0 ? 7 : Math.min(sent.length, from + 30);
        await h.write(first, sent.slice(from, to));
        // A kernel passes a packet on at its SYN_REPORT, so only whole packets need be there yet.
        const whole = to - (to % 2);
        await eventually(() => got.length >= whole, `${whole} events (have ${got.length})`);
      }
      expect(got.map((g) => [g.event.type, g.event.code, g.event.value])).toEqual(
        sent.map((e) => [e.type, e.code, e.value]),
      );
      expect(got.every((g) => g.device === first)).toBe(true);
      expect(got.filter((g) => g.event.type === EV_SYN)).toHaveLength(300);
      // A real kernel stamps events itself; whoever stamps, time never runs backwards.
      const times = got.map((g) => g.event.timeMs);
      expect(times.every((t, i) => i === 0 || t >= (times[i - 1] ?? 0))).toBe(true);
      expect(times[0]).toBeGreaterThan(1_600_000_000_000);
    });

    it('reports a device that goes away once, and opens it again when it comes back', async () => {
      await h.plug(first);
      await h.plug(second);
      start();
      await h.unplug(first);
      await eventually(() => gone.length > 0, 'the unplugged device reported gone');
      expect(gone).toEqual([first]);
      expect(h.source.devices()).toEqual([second]);
      await h.write(second, eventPacket(EV_KEY, 0x101, 1, 5));
      await eventually(() => got.length === 2, 'events from the device still there');
      await h.plug(first);
      h.source.rescan();
      await h.write(first, eventPacket(EV_REL, 0, -1, 6));
      await eventually(() => got.length === 4, 'events from the replugged device');
      expect(got.slice(2).map((g) => [g.device, g.event.value])).toEqual([
        [first, -1],
        [first, 0],
      ]);
      expect(gone).toEqual([first]);
    });

    it('passes on the SYN_DROPPED of a reader that fell behind, then the newest whole packets', async () => {
      await h.plug(first);
      start();
      const burst: InputEvent[] = [];
      for (let i = 0; i < 200; i++) burst.push(...eventPacket(EV_REL, 0, i % 2 === 0 ? 1 : -1, 1_700_000_000_000 + i));
      await h.overrun(first, burst);
      await eventually(
        () =>
          got.some((g) => g.event.type === EV_SYN && g.event.code === SYN_DROPPED) && got.at(-1)?.event.type === EV_SYN,
        'a SYN_DROPPED, then a whole packet',
      );
      expect(got.length).toBeLessThan(burst.length); // dropped, as the kernel does
      const dropped = got.findIndex((g) => g.event.type === EV_SYN && g.event.code === SYN_DROPPED);
      expect(got.slice(dropped + 1).every((g) => g.event.type === EV_SYN || g.event.type === EV_REL)).toBe(true);
      // and the stream goes on as before
      const before = got.length;
      await h.write(first, eventPacket(EV_KEY, 0x100, 1, 2_000));
      await eventually(() => got.length === before + 2, 'events after the overrun');
    });

    it('delivers nothing after stop, and stop is idempotent', async () => {
      await h.plug(first);
      start();
      h.source.stop();
      h.source.stop();
      await h.write(first, eventPacket(EV_KEY, 0x100, 1, 1)).catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(got).toEqual([]);
      expect(h.source.devices()).toEqual([]);
    });
  });
}
