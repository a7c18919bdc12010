import { virtualScheduler } from '../clock/testing.js';
import type { MidiMessage } from '../midi/message.js';
import { timedNoteSinkContract } from '../../test/contract/timed-note-sink.contract.js';
import { SchedulerNoteSink, type TimedNoteSink } from './note-sink.js';

timedNoteSinkContract('SchedulerNoteSink on virtual time', () => {
  const { clock, wakeup, scheduler } = virtualScheduler(1000);
  const received: MidiMessage[] = [];
  // Each message's current due time, to catch an early send.
  const due = new Map<MidiMessage, number>();
  const byId = new Map<number, MidiMessage>();
  let early = 0;
  const inner = new SchedulerNoteSink(scheduler, (message) => {
    if (clock.nowMs() < (due.get(message) ?? -Infinity)) early++;
    received.push(message);
  });
  const sink: TimedNoteSink = {
    sendAt: (s) => {
      due.set(s.message, s.atMs);
      byId.set(s.id, s.message);
      inner.sendAt(s);
    },
    move: (moves) => {
      for (const m of moves) {
        const message = byId.get(m.id);
        if (message) due.set(message, m.atMs);
      }
      inner.move(moves);
    },
    cancel: (tag, fromMs) => inner.cancel(tag, fromMs),
    sendNow: (message, voice) => inner.sendNow(message, voice),
  };
  return Promise.resolve({
    sink,
    now: () => clock.nowMs(),
    pass: (ms: number) => Promise.resolve(wakeup.advanceBy(ms)),
    received: () => received,
    early: () => Promise.resolve(early),
    dispose: () => Promise.resolve(scheduler.dispose()),
  });
});
