import fc from 'fast-check';
import { encodeMessage } from '../../src/midi/encoder.js';
import type { MidiMessage } from '../../src/midi/message.js';

const channel = fc.integer({ min: 0, max: 15 });
const data7 = fc.integer({ min: 0, max: 127 });
const data14 = fc.integer({ min: 0, max: 16383 });

/** Every MidiMessage variant, with every field over its full legal range. */
export const midiMessageArb: fc.Arbitrary<MidiMessage> = fc.oneof(
  fc.record({ type: fc.constant('noteOff' as const), channel, note: data7, velocity: data7 }),
  fc.record({ type: fc.constant('noteOn' as const), channel, note: data7, velocity: data7 }),
  fc.record({ type: fc.constant('polyPressure' as const), channel, note: data7, pressure: data7 }),
  fc.record({ type: fc.constant('controlChange' as const), channel, controller: data7, value: data7 }),
  fc.record({ type: fc.constant('programChange' as const), channel, program: data7 }),
  fc.record({ type: fc.constant('channelPressure' as const), channel, pressure: data7 }),
  fc.record({ type: fc.constant('pitchBend' as const), channel, value: data14 }),
  fc.record({
    type: fc.constant('sysex' as const),
    data: fc.uint8Array({ max: 127, maxLength: 64 }),
  }),
  fc.record({ type: fc.constant('mtcQuarterFrame' as const), value: data7 }),
  fc.record({ type: fc.constant('songPosition' as const), position: data14 }),
  fc.record({ type: fc.constant('songSelect' as const), song: data7 }),
  fc.constantFrom<MidiMessage>(
    { type: 'tuneRequest' },
    { type: 'clock' },
    { type: 'start' },
    { type: 'continue' },
    { type: 'stop' },
    { type: 'activeSensing' },
    { type: 'reset' },
  ),
);

/** The six defined real-time bytes. */
export const realTimeByteArb = fc.constantFrom(0xf8, 0xfa, 0xfb, 0xfc, 0xfe, 0xff);

/** GM drum notes a pad typically sends. */
const drumNote = fc.constantFrom(36, 38, 40, 42, 44, 46, 49, 51);

/** One step of a live drum/clock/sysex stream, as a pad plus a clock source would produce. */
const streamStepArb: fc.Arbitrary<MidiMessage> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      type: fc.constant('noteOn' as const),
      channel: fc.constant(9),
      note: drumNote,
      velocity: fc.integer({ min: 1, max: 127 }),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      type: fc.constant('noteOn' as const),
      channel: fc.constant(9),
      note: drumNote,
      velocity: fc.constant(0),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      type: fc.constant('noteOff' as const),
      channel: fc.constant(9),
      note: drumNote,
      velocity: fc.constant(64),
    }),
  },
  { weight: 6, arbitrary: fc.constant<MidiMessage>({ type: 'clock' }) },
  {
    weight: 1,
    arbitrary: fc.record({
      type: fc.constant('controlChange' as const),
      channel: fc.constant(9),
      controller: data7,
      value: data7,
    }),
  },
  { weight: 1, arbitrary: fc.constantFrom<MidiMessage>({ type: 'start' }, { type: 'stop' }, { type: 'continue' }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('songPosition' as const), position: data14 }) },
  {
    weight: 1,
    // Push 2 style: F0 00 21 1D 01 01 <cmd> <args> F7
    arbitrary: fc
      .uint8Array({ max: 127, maxLength: 12 })
      .map((args): MidiMessage => ({ type: 'sysex', data: Uint8Array.from([0x00, 0x21, 0x1d, 0x01, 0x01, ...args]) })),
  },
);

/** A realistic stream as messages. */
export const realStreamMessagesArb = fc.array(streamStepArb, { minLength: 1, maxLength: 80 });

/** Ways to damage a byte stream: insert, delete or flip bits at a position. */
export type Mutation =
  | { readonly kind: 'insert'; readonly at: number; readonly byte: number }
  | { readonly kind: 'delete'; readonly at: number }
  | { readonly kind: 'flip'; readonly at: number; readonly mask: number };

export const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), mask: fc.integer({ min: 1, max: 255 }) }),
);

export function mutate(bytes: Uint8Array, mutations: readonly Mutation[]): Uint8Array {
  const out = [...bytes];
  for (const m of mutations) {
    const at = out.length === 0 ? 0 : m.at % (out.length + (m.kind === 'insert' ? 1 : 0));
    if (m.kind === 'insert') out.splice(at, 0, m.byte);
    else if (out.length > 0 && m.kind === 'delete') out.splice(at, 1);
    else if (out.length > 0 && m.kind === 'flip') out[at] = (out[at] ?? 0) ^ m.mask;
  }
  return Uint8Array.from(out);
}

/** Cut points (fractions of the length) for splitting a stream into chunks. */
export const splitPointsArb = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 12 });

export function splitAt(bytes: Uint8Array, fractions: readonly number[]): Uint8Array[] {
  const cuts = fractions.map((f) => Math.floor(f * bytes.length)).sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let start = 0;
  for (const cut of [...cuts, bytes.length]) {
    chunks.push(bytes.subarray(start, cut));
    start = cut;
  }
  return chunks;
}

/** Encodes each message with its status byte and concatenates. */
export function bytesOf(messages: readonly MidiMessage[]): Uint8Array {
  return Uint8Array.from(messages.flatMap((m) => [...encodeMessage(m)]));
}
