import { describe, expect, it } from 'vitest';
import { readSmf } from '../record/smf-read.js';
import { errorMessage } from './error-message.js';

describe('errorMessage', () => {
  it('names the cause whatever was thrown', () => {
    expect(errorMessage(new RangeError('too big'))).toBe('too big');
    expect(errorMessage('Bad MIDI file')).toBe('Bad MIDI file');
    expect(errorMessage({ code: 7 })).toBe('{"code":7}');
    expect(errorMessage(undefined)).toBe('undefined');
  });

  it('a random file read as MIDI says what was wrong, with the place', () => {
    expect(() => readSmf(new TextEncoder().encode('hello world'), 'take3.mid')).toThrow(
      "take3.mid: not a Standard MIDI File: Bad MIDI file.  Expected 'MHdr', got: 'hell'",
    );
  });
});
