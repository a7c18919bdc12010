import { closeSync, constants, openSync } from 'node:fs';
import { RoutedNoteSink } from '../../src/box/routed-note-sink.js';
import { ClockOutputThread } from '../../src/clock/clock-output-thread.js';
import { virtualScheduler } from '../../src/clock/testing.js';
import { hrtimeClock } from '../../src/clock/time-source.js';
import { MidiStreamDecoder } from '../../src/midi/decoder.js';
import { timedNoteSinkContract } from '../contract/timed-note-sink.contract.js';
import { openPtyPeer } from '../support/pty-peer.js';

timedNoteSinkContract('RoutedNoteSink on the output thread, writing a pty', async () => {
  const peer = await openPtyPeer();
  const fd = openSync(peer.path, constants.O_WRONLY | constants.O_NOCTTY);
  const thread = new ClockOutputThread();
  await thread.ready();
  // Every route is on the thread, so the (virtual, never advanced) scheduler sends nothing.
  const { scheduler } = virtualScheduler(0);
  const sink = new RoutedNoteSink({
    scheduler,
    routes: () => [{ kind: 'thread', thread, dest: fd }],
    threads: () => [thread],
  });
  return {
    sink,
    now: () => hrtimeClock.nowMs(),
    pass: (ms: number) => new Promise((resolve) => setTimeout(resolve, ms)),
    received: () => new MidiStreamDecoder().decode(Uint8Array.from(peer.received)),
    early: async () => (await thread.stats()).early,
    dispose: async () => {
      await thread.dispose();
      closeSync(fd);
      peer.kill();
    },
  };
});
