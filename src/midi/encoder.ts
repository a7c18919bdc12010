import { InvalidMidiField } from './encode-error.js';
import type { MidiMessage } from './message.js';
import { Status, max14Bit } from './status-bytes.js';

/**
 * Encodes typed messages to MIDI 1.0 bytes, always with the status byte (for USB/ALSA, where
 * every packet is self-contained). For a DIN wire use `RunningStatusEncoder`.
 * Every field is validated; a bad one throws `InvalidMidiField`.
 */
export function encodeMessage(message: MidiMessage): Uint8Array {
  const bytes = new Uint8Array(encodedLength(message));
  encodeInto(message, bytes, 0);
  return bytes;
}

/** Encodes several messages back to back, each with its status byte. */
export function encodeMessages(messages: Iterable<MidiMessage>): Uint8Array {
  const list = [...messages];
  let total = 0;
  for (const message of list) total += encodedLength(message);
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const message of list) offset += encodeInto(message, bytes, offset);
  return bytes;
}

/** Bytes `message` takes with its status byte. */
export function encodedLength(message: MidiMessage): number {
  switch (message.type) {
    case 'noteOff':
    case 'noteOn':
    case 'polyPressure':
    case 'controlChange':
    case 'pitchBend':
    case 'songPosition':
      return 3;
    case 'programChange':
    case 'channelPressure':
    case 'mtcQuarterFrame':
    case 'songSelect':
      return 2;
    case 'sysex':
      return bytesOf(message).length + 2;
    case 'tuneRequest':
    case 'clock':
    case 'start':
    case 'continue':
    case 'stop':
    case 'activeSensing':
    case 'reset':
      return 1;
    default:
      return unknownType(message);
  }
}

/**
 * Writes `message` into `target` at `offset` without allocating; returns the bytes written.
 * Throws `InvalidMidiField` on a bad field and `RangeError` if `target` is too short.
 */
export function encodeInto(message: MidiMessage, target: Uint8Array, offset: number): number {
  const length = encodedLength(message);
  if (!Number.isInteger(offset) || offset < 0 || offset + length > target.length) {
    throw new RangeError(
      `encodeInto: ${message.type} needs ${String(length)} bytes at offset ${String(offset)}, target has ${String(target.length)}`,
    );
  }
  switch (message.type) {
    case 'noteOff':
    case 'noteOn':
    case 'polyPressure': {
      const second = message.type === 'polyPressure' ? 'pressure' : 'velocity';
      const value = message.type === 'polyPressure' ? message.pressure : message.velocity;
      target[offset] = Status[message.type] | channelOf(message, message.channel);
      target[offset + 1] = data7(message, 'note', message.note);
      target[offset + 2] = data7(message, second, value);
      break;
    }
    case 'controlChange':
      target[offset] = Status.controlChange | channelOf(message, message.channel);
      target[offset + 1] = data7(message, 'controller', message.controller);
      target[offset + 2] = data7(message, 'value', message.value);
      break;
    case 'programChange':
      target[offset] = Status.programChange | channelOf(message, message.channel);
      target[offset + 1] = data7(message, 'program', message.program);
      break;
    case 'channelPressure':
      target[offset] = Status.channelPressure | channelOf(message, message.channel);
      target[offset + 1] = data7(message, 'pressure', message.pressure);
      break;
    case 'pitchBend':
      target[offset] = Status.pitchBend | channelOf(message, message.channel);
      write14(target, offset + 1, data14(message, 'value', message.value));
      break;
    case 'sysex':
      writeSysex(message, target, offset);
      break;
    case 'mtcQuarterFrame':
      target[offset] = Status.mtcQuarterFrame;
      target[offset + 1] = data7(message, 'value', message.value);
      break;
    case 'songPosition':
      target[offset] = Status.songPosition;
      write14(target, offset + 1, data14(message, 'position', message.position));
      break;
    case 'songSelect':
      target[offset] = Status.songSelect;
      target[offset + 1] = data7(message, 'song', message.song);
      break;
    default:
      // Single-byte messages: tuneRequest and the real-time ones.
      target[offset] = Status[message.type];
  }
  return length;
}

function writeSysex(message: MidiMessage & { type: 'sysex' }, target: Uint8Array, offset: number): void {
  const data = bytesOf(message);
  for (let i = 0; i < data.length; i++) {
    if ((data[i] as number) > 0x7f) {
      throw new InvalidMidiField('sysex', `data[${String(i)}]`, data[i], 'a 7-bit data byte 0..127');
    }
  }
  target[offset] = Status.sysexStart;
  target.set(data, offset + 1);
  target[offset + 1 + data.length] = Status.sysexEnd;
}

function bytesOf(message: MidiMessage & { type: 'sysex' }): Uint8Array {
  if (!(message.data instanceof Uint8Array)) {
    throw new InvalidMidiField('sysex', 'data', message.data, 'a Uint8Array without the F0/F7 framing');
  }
  return message.data;
}

function channelOf(message: MidiMessage, channel: number): number {
  if (Number.isInteger(channel) && channel >= 0 && channel <= 15) return channel;
  throw new InvalidMidiField(message.type, 'channel', channel, 'an integer 0..15 (0-based)');
}

function data7(message: MidiMessage, field: string, value: number): number {
  if (Number.isInteger(value) && value >= 0 && value <= 0x7f) return value;
  throw new InvalidMidiField(message.type, field, value, 'an integer 0..127');
}

function data14(message: MidiMessage, field: string, value: number): number {
  if (Number.isInteger(value) && value >= 0 && value <= max14Bit) return value;
  throw new InvalidMidiField(message.type, field, value, 'an integer 0..16383');
}

function write14(target: Uint8Array, offset: number, value: number): void {
  target[offset] = value & 0x7f;
  target[offset + 1] = value >> 7;
}

function unknownType(message: never): never {
  const type: unknown = (message as { type?: unknown }).type;
  throw new InvalidMidiField(String(type), 'type', type, 'a MidiMessage type');
}
