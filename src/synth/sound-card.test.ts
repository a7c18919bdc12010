import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { missingSoundCard } from './sound-card.js';

describe('missingSoundCard', () => {
  const asound = mkdtempSync(join(tmpdir(), 'asound-'));
  mkdirSync(join(asound, 'card0', 'pcm0p'), { recursive: true });
  mkdirSync(join(asound, 'card1', 'pcm0c'), { recursive: true });
  mkdirSync(join(asound, 'Loopback', 'pcm1p'), { recursive: true });

  it('finds cards by number or name and their playback devices', () => {
    expect(missingSoundCard('hw:0', asound)).toBeUndefined();
    expect(missingSoundCard('plughw:0,0', asound)).toBeUndefined();
    expect(missingSoundCard('hw:Loopback,1,0', asound)).toBeUndefined();
    expect(missingSoundCard('hw:CARD=Loopback,DEV=1', asound)).toBeUndefined();
  });

  it('names what is missing', () => {
    expect(missingSoundCard('hw:2', asound)).toBe('no sound card 2 for hw:2');
    expect(missingSoundCard('hw:1', asound)).toBe('sound card 1 has no playback device 0 (hw:1)');
    expect(missingSoundCard('hw:Loopback,0', asound)).toBe(
      'sound card Loopback has no playback device 0 (hw:Loopback,0)',
    );
  });

  it('leaves names that are not hardware devices to FluidSynth', () => {
    expect(missingSoundCard('default', asound)).toBeUndefined();
    expect(missingSoundCard('pulse', asound)).toBeUndefined();
  });
});
