import { virtualScheduler } from '../clock/testing.js';
import { MidiStreamDecoder } from '../midi/decoder.js';
import type { MidiMessage } from '../midi/message.js';
import { timedNoteSinkContract } from '../../test/contract/timed-note-sink.contract.js';
import { RoutedNoteSink } from './routed-note-sink.js';

// Outputs with no thread: the box's sink times them on the main thread's scheduler.
timedNoteSinkContract('RoutedNoteSink, direct routes on virtual time', () => {
  const { clock, wakeup, scheduler } = virtualScheduler(1000);
  const decoder = new MidiStreamDecoder();
  const received: MidiMessage[] = [];
  const sink = new RoutedNoteSink({
    scheduler,
    routes: () => [{ kind: 'direct', send: (bytes) => (received.push(...decoder.decode(bytes)), true) }],
    threads: () => [],
  });
  return Promise.resolve({
    sink,
    now: () => clock.nowMs(),
    pass: (ms: number) => Promise.resolve(wakeup.advanceBy(ms)),
    received: () => received,
    early: () => Promise.resolve(0),
    dispose: () => Promise.resolve(scheduler.dispose()),
  });
});
