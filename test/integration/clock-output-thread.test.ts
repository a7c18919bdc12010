import { closeSync, constants, openSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { ClockOutputThread, ThreadedAlsaOut, ThreadedFdOut } from '../../src/clock/clock-output-thread.js';
import { MasterClock } from '../../src/clock/master-clock.js';
import { Scheduler } from '../../src/clock/scheduler.js';
import { hrtimeClock } from '../../src/clock/time-source.js';
import { bpm, msPerTick } from '../../src/clock/units.js';
import { SpinWakeup } from '../../src/clock/wakeup.js';
import { openPtyPeer, type PtyPeer } from '../support/pty-peer.js';

// Generous: this asserts what arrives, not when; a loaded CI machine can starve the pty's reader for seconds.
async function eventually(check: () => boolean, timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('ClockOutputThread on a real pty', () => {
  let peer: PtyPeer | undefined;
  let thread: ClockOutputThread | undefined;
  let fd: number | undefined;
  afterEach(async () => {
    await thread?.dispose();
    if (fd !== undefined) closeSync(fd);
    peer?.kill();
  });

  it('writes timed bytes in (time, priority) order, not in the order they were handed over', async () => {
    peer = await openPtyPeer();
    fd = openSync(peer.path, constants.O_WRONLY | constants.O_NOCTTY);
    thread = new ClockOutputThread({ spinMs: 1 });
    const at = hrtimeClock.nowMs() + 30;
    thread.sendAt(fd, Uint8Array.of(0xf8), at + 2, 1);
    thread.sendAt(fd, Uint8Array.of(0x99, 36, 100), at + 2, 2);
    thread.sendAt(fd, Uint8Array.of(0xfa), at + 2, 0);
    thread.sendAt(fd, Uint8Array.of(0xfc), at, 0);
    thread.sendAt(fd, Uint8Array.of(0xf2, 1, 0), at + 5, 0, 'cancel-me');
    thread.cancel('cancel-me', 0);
    await eventually(() => peer?.received.length === 6);
    expect(peer.received).toEqual([0xfc, 0xfa, 0xf8, 0x99, 36, 100]);
    const stats = await thread.stats();
    expect(stats).toMatchObject({ sent: 4, pending: 0 });
  });

  it('carries the master clock: Start then every committed tick, through the scheduler', async () => {
    peer = await openPtyPeer();
    fd = openSync(peer.path, constants.O_WRONLY | constants.O_NOCTTY);
    thread = new ClockOutputThread({ spinMs: 1 });
    // The clock commits ticks from the first run on: the thread should be in its loop by then.
    await thread.ready();
    const out = new ThreadedFdOut('din', () => fd, thread);
    const scheduler = new Scheduler(hrtimeClock, new SpinWakeup(hrtimeClock, { spinMs: 0 }));
    const clock = new MasterClock(scheduler, { tempo: bpm(300), outputs: () => [out], aheadTicks: 3 });
    clock.run(hrtimeClock.nowMs() + 20);
    clock.start();
    await new Promise((resolve) => setTimeout(resolve, 30 * msPerTick(bpm(300))));
    clock.halt();
    scheduler.dispose();
    await eventually(() => (peer?.received.length ?? 0) > 20);
    const sent = (await thread.stats()).sent;
    await eventually(() => peer?.received.length === sent);
    expect(peer.received[0]).toBe(0xfa);
    expect(peer.received.slice(1).every((b) => b === 0xf8)).toBe(true);
  });
});

describe('ClockOutputThread generating ticks from the grid', () => {
  it('keeps the grid through a tempo change, and stops on halt', async () => {
    const peer = await openPtyPeer();
    const fd = openSync(peer.path, constants.O_WRONLY | constants.O_NOCTTY);
    const thread = new ClockOutputThread({ spinMs: 0.5 });
    await thread.ready();
    try {
      const out = new ThreadedFdOut('din', () => fd, thread);
      const scheduler = new Scheduler(hrtimeClock, new SpinWakeup(hrtimeClock, { spinMs: 0 }));
      const clock = new MasterClock(scheduler, { tempo: bpm(300), outputs: () => [out] });
      clock.run(hrtimeClock.nowMs() + 20);
      await new Promise((resolve) => setTimeout(resolve, 100));
      clock.setTempo(200);
      await new Promise((resolve) => setTimeout(resolve, 100));
      clock.halt();
      scheduler.dispose();
      const sent = (await thread.stats()).sent;
      await eventually(() => peer.received.length === sent);
      const settled = peer.received.length;
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(peer.received.length).toBe(settled);
      expect(settled).toBeGreaterThan(10);
      expect(peer.received.every((b) => b === 0xf8)).toBe(true);
    } finally {
      await thread.dispose();
      closeSync(fd);
      peer.kill();
    }
  });
});

describe('ClockOutputThread on stop and with ports that are not there', () => {
  it('writes what is already due (a panic) before it exits', async () => {
    const peer = await openPtyPeer();
    const fd = openSync(peer.path, constants.O_WRONLY | constants.O_NOCTTY);
    const thread = new ClockOutputThread();
    await thread.ready();
    try {
      thread.sendAt(fd, Uint8Array.of(0xb9, 123, 0), 0, 0);
      thread.sendAt(fd, Uint8Array.of(0x99, 36, 100), hrtimeClock.nowMs() + 60_000, 2);
      await thread.dispose();
      await eventually(() => peer.received.length >= 3);
      await new Promise((resolve) => setTimeout(resolve, 30));
      expect(peer.received).toEqual([0xb9, 123, 0]);
    } finally {
      closeSync(fd);
      peer.kill();
    }
  });

  it('sends an entry "for now" after entries handed over before it that are already due', async () => {
    const peer = await openPtyPeer();
    const fd = openSync(peer.path, constants.O_WRONLY | constants.O_NOCTTY);
    const thread = new ClockOutputThread();
    await thread.ready();
    try {
      thread.sendAt(fd, Uint8Array.of(0x99, 36, 100), hrtimeClock.nowMs() - 5, 2);
      thread.sendAt(fd, Uint8Array.of(0x89, 36, 0), 0, 0);
      await eventually(() => peer.received.length >= 6);
      expect(peer.received).toEqual([0x99, 36, 100, 0x89, 36, 0]);
    } finally {
      await thread.dispose();
      closeSync(fd);
      peer.kill();
    }
  });

  it('reports an ALSA port it cannot open, and keeps writing its other destinations', async () => {
    const peer = await openPtyPeer();
    const fd = openSync(peer.path, constants.O_WRONLY | constants.O_NOCTTY);
    const thread = new ClockOutputThread();
    await thread.ready();
    try {
      const gone: string[] = [];
      const usb = new ThreadedAlsaOut('usb:nothing', 'No Such Device:No Such Port 99:0', thread, (code) =>
        gone.push(code),
      );
      expect(await usb.opened).toBe(false);
      expect(gone).toHaveLength(1);
      expect(usb.isOpen).toBe(false);
      expect(usb.sendAt(Uint8Array.of(0x99, 36, 100), 0, 2)).toBe(false);
      thread.sendAt(fd, Uint8Array.of(0xfa), hrtimeClock.nowMs() + 5, 0);
      await eventually(() => peer.received.length === 1);
      expect(peer.received).toEqual([0xfa]);
    } finally {
      await thread.dispose();
      closeSync(fd);
      peer.kill();
    }
  });
});
