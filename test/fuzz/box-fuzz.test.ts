import { describe, expect, it } from 'vitest';
import { fuzzBox } from './box-fuzz.js';

describe('fuzzing the assembled box (a short run; npm run fuzz sends 10 million bytes)', () => {
  it('never throws, loses no valid message, and still answers afterwards', async () => {
    const r = await fuzzBox({ bytes: 60_000, seed: 3, corpusDirs: [] });
    expect(r.throws).toBe(0);
    expect(r.messagesExpected).toBeGreaterThan(5_000);
    expect(r.messagesReceived).toBe(r.messagesExpected);
    expect(r.firstMismatch).toBe(-1);
    expect(r.answersAfterwards).toBe(true);
  }, 60_000);
});
