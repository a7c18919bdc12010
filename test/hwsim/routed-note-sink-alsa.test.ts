import { RoutedNoteSink } from '../../src/box/routed-note-sink.js';
import { ClockOutputThread, ThreadedAlsaOut } from '../../src/clock/clock-output-thread.js';
import { virtualScheduler } from '../../src/clock/testing.js';
import { hrtimeClock } from '../../src/clock/time-source.js';
import { MidiStreamDecoder } from '../../src/midi/decoder.js';
import type { MidiMessage } from '../../src/midi/message.js';
import { timedNoteSinkContract } from '../contract/timed-note-sink.contract.js';
import { RawMidiDevice } from './support/rawmidi.js';
import { useVirmidiBackend } from './support/virmidi.js';

/**
 * The box's note queue on real ALSA: the USB output thread opens a snd-virmidi sequencer port
 * by its RtMidi name (as it does a USB pad's) and writes the notes from there; its raw node
 * is the device hearing them.
 */
const virmidi = useVirmidiBackend();

timedNoteSinkContract('RoutedNoteSink on the USB output thread, to an ALSA sequencer port', async () => {
  const port = await virmidi.port('output');
  const raw = RawMidiDevice.open(virmidi.card().rawPath(1), 'read');
  const thread = new ClockOutputThread({ realtime: true });
  await thread.ready();
  const out = new ThreadedAlsaOut('usb:virmidi', port.name, thread);
  if (!(await out.opened)) throw new Error(`the output thread could not open ${port.name}`);
  const { scheduler } = virtualScheduler(0);
  const sink = new RoutedNoteSink({
    scheduler,
    routes: () => [{ kind: 'thread', thread, dest: out.dest }],
    threads: () => [thread],
  });
  const decoder = new MidiStreamDecoder();
  const received: MidiMessage[] = [];
  return {
    sink,
    timeScale: 4,
    now: () => hrtimeClock.nowMs(),
    pass: (ms: number) => new Promise((resolve) => setTimeout(resolve, ms)),
    received: () => {
      received.push(...decoder.decode(Uint8Array.from(raw.take())));
      return received;
    },
    early: async () => (await thread.stats()).early,
    dispose: async () => {
      out.close();
      await thread.dispose();
      raw.close();
    },
  };
});
