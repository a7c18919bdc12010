import { constants, openSync, closeSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ClockOutputThread } from '../../src/clock/clock-output-thread.js';
import { ClockService } from '../../src/clock/clock-service.js';
import type { MidiOut } from '../../src/clock/midi-out.js';
import { Scheduler } from '../../src/clock/scheduler.js';
import { hrtimeClock, monotonicFromPerformanceNow } from '../../src/clock/time-source.js';
import { bpm } from '../../src/clock/units.js';
import { SpinWakeup } from '../../src/clock/wakeup.js';
import { TimedMidiDecoder } from '../../src/midi/timed-decoder.js';
import { RawMidiDevice } from './support/rawmidi.js';
import { useVirmidiBackend } from './support/virmidi.js';
import { waitFor } from './support/wait.js';

/**
 * USB MIDI clock both ways over ALSA: a snd-virmidi device stands for a USB interface. Its
 * raw node is "the other box"; the box itself uses the product's ALSA backend on the
 * sequencer port. Emulated timing (TCG): bounds check behaviour, not microseconds.
 */
describe('USB MIDI clock over ALSA (snd-virmidi)', () => {
  const virmidi = useVirmidiBackend();

  it('follows a 174 BPM clock arriving on the USB port', async () => {
    const scheduler = new Scheduler(hrtimeClock, new SpinWakeup(hrtimeClock, { spinMs: 1 }));
    const service = new ClockService(scheduler, { tempo: bpm(120), outputs: () => [], mode: 'external' });
    const input = virmidi.backend().openInput((await virmidi.port('input')).id);
    const decoder = new TimedMidiDecoder();
    const arrivals: number[] = [];
    input.onData((bytes, at) =>
      decoder.feed(bytes, monotonicFromPerformanceNow(at), (m) => {
        if (m.message.type === 'clock') arrivals.push(m.timeMs);
        service.receive(m);
      }),
    );
    service.begin();
    // The other box plays Start + clock with ±1 ms jitter, written on time by a clock thread.
    const fd = openSync(virmidi.card().rawPath(1), constants.O_WRONLY | constants.O_NONBLOCK);
    const thread = new ClockOutputThread({ spinMs: 1 });
    await thread.ready();
    const period = 60_000 / (174 * 24);
    const t0 = hrtimeClock.nowMs() + 100;
    thread.sendAt(fd, Uint8Array.of(0xfa), t0 - 5, 0);
    for (let n = 0; n < 24 * 16; n++)
      thread.sendAt(fd, Uint8Array.of(0xf8), t0 + n * period + Math.sin(n * 7.3) * 1, 1);
    try {
      await waitFor(() => arrivals.length >= 24 * 16, { what: 'all 384 clocks over ALSA', timeoutMs: 15_000 });
      console.log(
        `USB in gaps: ${arrivals
          .slice(0, 60)
          .map((t, i) => (t - (arrivals[i - 1] ?? t)).toFixed(1))
          .join(' ')}`,
      );
      console.log(`USB in: follower ${service.followerState} at ${service.transport.tempo.toFixed(2)} BPM`);
      // Under TCG the sequencer delivers in bursts no follower can time, so the tempo is only
      // logged; the pure suites and bench:clock hold the follower to 0.1%. Every clock counts.
      expect(service.source).toBe('external');
      expect(service.transport).toMatchObject({ running: true, position: 24 * 16 });
    } finally {
      await thread.dispose();
      closeSync(fd);
      input.close();
      scheduler.dispose();
    }
  });

  it('sends its master clock to the USB port at the set tempo', async () => {
    const scheduler = new Scheduler(hrtimeClock, new SpinWakeup(hrtimeClock, { spinMs: 1 }));
    const handle = virmidi.backend().openOutput((await virmidi.port('output')).id);
    const usb: MidiOut = { id: handle.port.name, send: (bytes) => handle.send(bytes) };
    const raw = RawMidiDevice.open(virmidi.card().rawPath(1));
    const service = new ClockService(scheduler, { tempo: bpm(174), outputs: () => [usb], mode: 'internal' });
    service.begin();
    service.master.start();
    const stamps: number[] = [];
    const until = hrtimeClock.nowMs() + 3000;
    try {
      // Poll the raw node every ms, stamping each clock byte as it is read.
      while (hrtimeClock.nowMs() < until) {
        const bytes = await raw.readBytes(1, 50).catch((): number[] => []);
        for (const b of bytes) if (b === 0xf8) stamps.push(hrtimeClock.nowMs());
      }
    } finally {
      service.master.halt();
      scheduler.dispose();
      raw.close();
      handle.close();
    }
    expect(stamps.length).toBeGreaterThan(100);
    // Reads are polled, so several clocks can share a stamp: fit a line, don't take the ends.
    const n = stamps.length;
    const mean = stamps.reduce((a, b) => a + b, 0) / n;
    let num = 0;
    let den = 0;
    stamps.forEach((t, i) => {
      num += (i - (n - 1) / 2) * (t - mean);
      den += (i - (n - 1) / 2) ** 2;
    });
    const heard = 60_000 / ((num / den) * 24);
    console.log(`USB out: ${stamps.length} clocks, ${heard.toFixed(2)} BPM heard`);
    // Reads are polled every few ms in an emulated guest: 3% bounds the measurement, not the clock.
    expect(Math.abs(heard - 174) / 174).toBeLessThan(0.03);
  });
});
