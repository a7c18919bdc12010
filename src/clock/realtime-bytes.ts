import type { Steps } from './units.js';

/** The clock's own wire bytes: one-byte real-time messages need no codec round trip. */
export const CLOCK_BYTES = Uint8Array.of(0xf8);
export const START_BYTES = Uint8Array.of(0xfa);
export const CONTINUE_BYTES = Uint8Array.of(0xfb);
export const STOP_BYTES = Uint8Array.of(0xfc);

export function songPositionBytes(position: Steps): Uint8Array {
  return Uint8Array.of(0xf2, position & 0x7f, (position >> 7) & 0x7f);
}
