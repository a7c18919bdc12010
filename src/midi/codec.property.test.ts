import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bytesOf,
  midiMessageArb,
  mutate,
  mutationArb,
  realStreamMessagesArb,
  realTimeByteArb,
  splitAt,
  splitPointsArb,
} from '../../test/support/midi-arbitraries.js';
import { ReferenceMidiDecoder } from '../../test/support/reference-midi-decoder.js';
import { MidiStreamDecoder } from './decoder.js';
import { encodeMessage, encodeMessages } from './encoder.js';
import type { MidiMessage } from './message.js';
import { RunningStatusEncoder } from './running-status-encoder.js';

/** Bytes biased towards the status bytes that make parsing interesting. */
const byteArb = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: 0, max: 255 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      0x80,
      0x99,
      0xc0,
      0xe0,
      0xf0,
      0xf1,
      0xf2,
      0xf3,
      0xf4,
      0xf5,
      0xf6,
      0xf7,
      0xf8,
      0xf9,
      0xfd,
      0xff,
    ),
  },
);
const streamArb = fc.array(byteArb, { maxLength: 300 }).map((values) => Uint8Array.from(values));
const maxSysexArb = fc.integer({ min: 0, max: 10 });

interface Decoded {
  readonly messages: MidiMessage[];
  readonly ends: number[];
  readonly decoder: MidiStreamDecoder;
}

/** Feeds `chunks` in order, recording each message and its end offset in the whole stream. */
function decodeChunks(chunks: readonly Uint8Array[], maxSysexBytes?: number): Decoded {
  const decoder = new MidiStreamDecoder(maxSysexBytes === undefined ? {} : { maxSysexBytes });
  const messages: MidiMessage[] = [];
  const ends: number[] = [];
  let base = 0;
  for (const chunk of chunks) {
    decoder.feed(chunk, (message, end) => {
      messages.push(message);
      ends.push(base + end);
    });
    base += chunk.length;
  }
  return { messages, ends, decoder };
}

const runs = { numRuns: 1000 };

describe('codec round trip', () => {
  it('decode(encode(m)) returns m for every message type', () => {
    fc.assert(
      fc.property(midiMessageArb, (message) => {
        expect(new MidiStreamDecoder().decode(encodeMessage(message))).toEqual([message]);
      }),
      { numRuns: 3000 },
    );
  });

  it('round-trips sequences, with and without running status, in any chunking', () => {
    fc.assert(
      fc.property(fc.array(midiMessageArb, { maxLength: 40 }), splitPointsArb, (messages, cuts) => {
        expect(decodeChunks(splitAt(encodeMessages(messages), cuts)).messages).toEqual(messages);
        const wire = new RunningStatusEncoder({ refreshStatusAfter: 3 }).encodeAll(messages);
        expect(decodeChunks(splitAt(wire, cuts)).messages).toEqual(messages);
      }),
      runs,
    );
  });

  it('with note-off conversion, decodes note-offs as note-on velocity 0 and all else unchanged', () => {
    fc.assert(
      fc.property(fc.array(midiMessageArb, { maxLength: 40 }), (messages) => {
        const wire = new RunningStatusEncoder({ noteOffAsZeroVelocityNoteOn: true }).encodeAll(messages);
        const expected = messages.map((m): MidiMessage =>
          m.type === 'noteOff' ? { type: 'noteOn', channel: m.channel, note: m.note, velocity: 0 } : m,
        );
        expect(new MidiStreamDecoder().decode(wire)).toEqual(expected);
      }),
      runs,
    );
  });
});

describe('decoder on arbitrary bytes', () => {
  it('agrees with the simple reference decoder on messages and every drop counter', () => {
    fc.assert(
      fc.property(streamArb, maxSysexArb, (stream, max) => {
        const reference = new ReferenceMidiDecoder(max);
        const expected = reference.decode(stream);
        const { messages, decoder } = decodeChunks([stream], max);
        expect(messages).toEqual(expected);
        expect(decoder.stats).toEqual(reference.stats);
      }),
      { numRuns: 3000 },
    );
  });

  it('never throws, and every message it delivers is valid (re-encodes)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 500 }), maxSysexArb, (stream, max) => {
        const { messages } = decodeChunks([stream], max);
        for (const message of messages) expect(() => encodeMessage(message)).not.toThrow();
        expect(messages.length).toBeLessThanOrEqual(stream.length);
      }),
      runs,
    );
  });

  it('gives the same messages and counters however the stream is chunked', () => {
    fc.assert(
      fc.property(streamArb, splitPointsArb, maxSysexArb, (stream, cuts, max) => {
        const whole = decodeChunks([stream], max);
        const split = decodeChunks(splitAt(stream, cuts), max);
        expect(split.messages).toEqual(whole.messages);
        expect(split.ends).toEqual(whole.ends);
        expect(split.decoder.stats).toEqual(whole.decoder.stats);
      }),
      runs,
    );
  });

  it('never loses valid messages that follow garbage', () => {
    fc.assert(
      fc.property(
        streamArb,
        fc.array(midiMessageArb, { minLength: 1, maxLength: 10 }),
        splitPointsArb,
        (garbage, tail, cuts) => {
          const stream = Uint8Array.from([...garbage, ...bytesOf(tail)]);
          const { messages } = decodeChunks(splitAt(stream, cuts));
          expect(messages.slice(-tail.length)).toEqual(tail);
        },
      ),
      runs,
    );
  });

  it('real-time bytes inserted anywhere come out at their place and change nothing else', () => {
    const insertionsArb = fc.array(fc.tuple(fc.nat(), realTimeByteArb), { maxLength: 20 });
    fc.assert(
      fc.property(streamArb, insertionsArb, splitPointsArb, (stream, insertions, cuts) => {
        const original = decodeChunks([stream], 8);
        const merged = [...stream];
        const insertedAt = new Set<number>();
        for (const [at, byte] of insertions) {
          const position = at % (merged.length + 1);
          merged.splice(position, 0, byte);
          // Earlier insertions at or after this position shift right by one.
          const shifted = [...insertedAt].map((p) => (p >= position ? p + 1 : p));
          insertedAt.clear();
          for (const p of shifted) insertedAt.add(p);
          insertedAt.add(position);
        }
        const bytes = Uint8Array.from(merged);
        const result = decodeChunks(splitAt(bytes, cuts), 8);

        const fromInserted = result.ends.map((end) => insertedAt.has(end));
        expect(result.messages.filter((_, i) => !fromInserted[i])).toEqual(original.messages);
        result.ends.forEach((end, i) => {
          if (fromInserted[i]) expect(encodeMessage(result.messages[i] as MidiMessage)[0]).toBe(bytes[end]);
        });
        expect(fromInserted.filter(Boolean).length).toBe(insertedAt.size);
        expect(result.decoder.stats.messages - original.decoder.stats.messages).toBe(insertedAt.size);
        expect({ ...result.decoder.stats, bytes: 0, messages: 0 }).toEqual({
          ...original.decoder.stats,
          bytes: 0,
          messages: 0,
        });
      }),
      runs,
    );
  });
});

describe('decoder on real-looking drum, clock and sysex streams', () => {
  /** A DIN-style wire: running status, clock bytes dropped in mid-message. */
  const wireArb = fc
    .tuple(realStreamMessagesArb, fc.array(fc.nat(), { maxLength: 30 }))
    .map(([messages, clockPositions]) => {
      const encoded = [...new RunningStatusEncoder().encodeAll(messages)];
      for (const at of clockPositions) encoded.splice(at % (encoded.length + 1), 0, 0xf8);
      return { messages, clocks: clockPositions.length, wire: Uint8Array.from(encoded) };
    });

  it('decodes every message of the clean wire, plus the clocks dropped in, in any chunking', () => {
    fc.assert(
      fc.property(wireArb, splitPointsArb, ({ messages, clocks, wire }, cuts) => {
        const decoded = decodeChunks(splitAt(wire, cuts)).messages;
        expect(decoded.filter((m) => m.type !== 'clock')).toEqual(messages.filter((m) => m.type !== 'clock'));
        expect(decoded.filter((m) => m.type === 'clock').length).toBe(
          messages.filter((m) => m.type === 'clock').length + clocks,
        );
      }),
      runs,
    );
  });

  it('survives insertions, deletions and bit flips, agrees with the reference, and resyncs', () => {
    fc.assert(
      fc.property(
        wireArb,
        fc.array(mutationArb, { minLength: 1, maxLength: 8 }),
        splitPointsArb,
        fc.array(midiMessageArb, { minLength: 1, maxLength: 5 }),
        ({ wire }, mutations, cuts, tail) => {
          const damaged = mutate(wire, mutations);
          const stream = Uint8Array.from([...damaged, ...bytesOf(tail)]);
          const { messages, decoder } = decodeChunks(splitAt(stream, cuts), 64);
          const reference = new ReferenceMidiDecoder(64);
          expect(messages).toEqual(reference.decode(stream));
          expect(decoder.stats).toEqual(reference.stats);
          expect(messages.slice(-tail.length)).toEqual(tail);
        },
      ),
      runs,
    );
  });
});
