import { closeSync, constants, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ClockOutputThread, ThreadedAlsaOut } from '../../src/clock/clock-output-thread.js';
import { hrtimeClock } from '../../src/clock/time-source.js';
import { AlsaMidiBackend } from '../../src/devices/alsa-backend.js';
import { MidiStreamDecoder } from '../../src/midi/decoder.js';
import { rawMidiPath } from './support/alsa-cards.js';
import { RawMidiDevice } from './support/rawmidi.js';
import { startUdevd } from './support/udev.js';
import { UsbMidiGadget } from './support/usb-gadget.js';
import { waitFor } from './support/wait.js';

/**
 * Which way should the output thread write a USB MIDI pad: its ALSA sequencer port (RtMidi in
 * the thread, its own client) or the card's raw MIDI node? Measured on a USB MIDI gadget while
 * the box's main thread holds the same port open, as it does for the pad's other traffic.
 * Writes a report to $HWSIM_OUT/alsa-output-paths.json: where the time goes (thread vs transport).
 */
const PRODUCT = 'Paths Pad';
const NOTES = 120;
const SPACING_MS = 25;
const cleanups: (() => unknown)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

const pct = (xs: number[], q: number): number =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))] ?? NaN;
const summary = (xs: number[]) => ({
  n: xs.length,
  p50: pct(xs, 0.5),
  p99: pct(xs, 0.99),
  max: Math.max(...xs),
  min: Math.min(...xs),
});

describe('USB MIDI output paths for the output thread (hw-sim)', () => {
  it(
    'the sequencer port from the thread delivers every note; the raw node is taken while the port is in use',
    { timeout: 120_000 },
    async () => {
      await startUdevd();
      const gadget = await UsbMidiGadget.create({
        name: 'paths',
        vendorId: 0x1209,
        productId: 0x0004,
        product: PRODUCT,
        manufacturer: 'Antiphon Test',
        serialNumber: 'AP-PATHS',
        inPorts: 1,
        outPorts: 1,
      });
      cleanups.push(() => gadget.remove());
      gadget.plug();
      const host = await gadget.hostCard(30_000);
      const backend = new AlsaMidiBackend();
      cleanups.push(() => backend.dispose());
      const port = await waitFor(
        () => backend.listPorts().find((p) => p.direction === 'output' && p.clientName === PRODUCT),
        { what: "the pad's output port", timeoutMs: 30_000 },
      );
      // The main thread's own handle on the port, as the device layer keeps one.
      const main = backend.openOutput(port.id);
      cleanups.push(() => main.close());
      const pad = RawMidiDevice.open(rawMidiPath((await gadget.gadgetCard()).index, 0), 'read');
      cleanups.push(() => pad.close());
      main.send(Uint8Array.of(0xb9, 123, 0));
      await waitFor(() => pad.take().length > 0, { what: "the main thread's message at the pad" });

      // The raw node of the host-side card, as the alternative path.
      let rawOpen: string;
      try {
        closeSync(openSync(rawMidiPath(host.index, 0), constants.O_WRONLY | constants.O_NONBLOCK));
        rawOpen = 'opened';
      } catch (e) {
        rawOpen = (e as NodeJS.ErrnoException).code ?? String(e);
      }

      const thread = new ClockOutputThread({ realtime: true });
      cleanups.push(() => thread.dispose());
      await thread.ready();
      const out = new ThreadedAlsaOut('usb:paths', port.name, thread);
      cleanups.push(() => out.close());
      expect(await out.opened).toBe(true);
      const t0 = hrtimeClock.nowMs() + 500;
      const due: number[] = [];
      for (let i = 0; i < NOTES; i++) {
        due.push(t0 + i * SPACING_MS);
        out.sendAt(Uint8Array.of(0x99, 36 + (i % 40), 1 + i), t0 + i * SPACING_MS, 2);
      }
      const arrivals: number[] = [];
      const velocities: number[] = [];
      const decoder = new MidiStreamDecoder();
      await waitFor(
        () => {
          const bytes = pad.take();
          // Stamped after the read: a note can only have arrived before this.
          const now = hrtimeClock.nowMs();
          decoder.feed(Uint8Array.from(bytes), (m) => {
            if (m.type !== 'noteOn') return;
            arrivals.push(now);
            velocities.push(m.velocity);
          });
          return arrivals.length >= NOTES;
        },
        { what: `${NOTES} notes at the pad`, timeoutMs: 60_000, intervalMs: 1 },
      );
      const atThread = thread.lateness();
      const atPad = arrivals.map((t, i) => t - (due[i] ?? NaN));
      const report = {
        rawNodeWhileSequencerPortInUse: rawOpen,
        threadWriteLateMs: atThread,
        arrivalAtPadLateMs: summary(atPad),
        pollIntervalMs: 1,
      };
      console.log(`ALSA-OUTPUT-PATHS ${JSON.stringify(report)}`);
      const dir = process.env.HWSIM_OUT;
      if (dir) writeFileSync(join(dir, 'alsa-output-paths.json'), JSON.stringify(report, null, 1));
      // Every note arrived, in order, none early.
      expect(velocities).toEqual(Array.from({ length: NOTES }, (_, i) => 1 + i));
      expect((await thread.stats()).early).toBe(0);
      expect(Math.min(...atPad)).toBeGreaterThanOrEqual(0);
    },
  );
});
