import { describe, expect, it } from 'vitest';
import { virtualScheduler } from '../clock/testing.js';
import type { ConnectedDevice } from '../devices/device-manager.js';
import type { FoundDevice } from '../devices/device-scan.js';
import type { Role } from '../devices/roles.js';
import { MidiStreamDecoder } from '../midi/decoder.js';
import type { MidiMessage } from '../midi/message.js';
import type { BoxClock } from './box-clock.js';
import { NoteOutputs, type NoteOutputsOptions } from './note-outputs.js';

/** A connected device with an output that decodes what it is sent. */
function device(name: string, roles: Role[]): { device: ConnectedDevice; received: MidiMessage[] } {
  const decoder = new MidiStreamDecoder();
  const received: MidiMessage[] = [];
  const output = {
    port: { name: `${name}:0`, index: 0 },
    send: (bytes: Uint8Array) => (received.push(...decoder.decode(bytes)), true),
    onGone: () => undefined,
    close: () => undefined,
  };
  const found = { identity: name, instanceKey: name } as unknown as FoundDevice;
  return {
    device: { found, input: undefined, output, roles, attachedAtMs: 0 } as unknown as ConnectedDevice,
    received,
  };
}

/** NoteOutputs with no threads and no DIN, to these devices, every voice on the response role. */
function outputsTo(
  scheduler: NoteOutputsOptions['scheduler'],
  devices: ConnectedDevice[],
  synthChannelOf?: NoteOutputsOptions['synthChannelOf'],
): NoteOutputs {
  return new NoteOutputs({
    scheduler,
    log: { info: () => undefined, warn: () => undefined },
    usbThread: undefined,
    dinThread: undefined,
    clock: { dinNoteRoute: () => undefined, sendToDin: () => undefined } as unknown as BoxClock,
    roleOf: () => 'response',
    ...(synthChannelOf ? { synthChannelOf } : {}),
    devices: () => devices,
    sendToDevices: () => undefined,
  });
}

const channelsOf = (ms: readonly MidiMessage[]): number[] => ms.map((m) => ('channel' in m ? m.channel : -1));

describe('NoteOutputs: each voice on its own synth channel', () => {
  it("plays a voice on the built-in synth on the synth's channel for it, and on other outputs on its own", () => {
    const { scheduler, wakeup } = virtualScheduler(1000);
    const pad = device('pad', ['human', 'response']);
    const synth = device('FluidSynth', ['synth', 'response', 'thru']);
    const outputs = outputsTo(scheduler, [pad.device, synth.device], (voice) => ({ A: 9, B: 10 })[voice]);
    // Both voices on channel 10 (9 on the wire), as the registry's default leaves them.
    const hit: MidiMessage = { type: 'noteOn', channel: 9, note: 36, velocity: 100 };
    outputs.sink.sendAt({ id: 1, message: hit, voice: 'A', atMs: 1010, tag: 'a' });
    outputs.sink.sendAt({ id: 2, message: hit, voice: 'B', atMs: 1020, tag: 'b' });
    outputs.sink.sendNow({ type: 'controlChange', channel: 9, controller: 123, value: 0 }, 'B');
    wakeup.advanceBy(50);
    expect(channelsOf(pad.received).sort()).toEqual([9, 9, 9]);
    expect(channelsOf(synth.received)).toEqual([10, 9, 10]);
    expect(synth.received[1]).toMatchObject({ type: 'noteOn', note: 36, velocity: 100 });
    scheduler.dispose();
  });

  it('leaves the channel alone where no synth channel is known', () => {
    const { scheduler } = virtualScheduler(1000);
    const synth = device('FluidSynth', ['synth', 'response']);
    const outputs = outputsTo(scheduler, [synth.device]);
    outputs.sink.sendNow({ type: 'noteOn', channel: 3, note: 38, velocity: 90 }, 'A');
    expect(channelsOf(synth.received)).toEqual([3]);
    scheduler.dispose();
  });
});
