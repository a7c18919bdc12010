import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { missingSoundCard, resolveAudioDevice } from './sound-card.js';

/** A stand-in for /proc/asound: its `cards` text and the cardN/pcmMx folders that exist. */
function asoundWith(cards: string, folders: readonly string[]): string {
  const root = mkdtempSync(join(tmpdir(), 'asound-'));
  writeFileSync(join(root, 'cards'), cards);
  for (const f of folders) mkdirSync(join(root, f), { recursive: true });
  return root;
}

// Lines as the kernel writes them (a Raspberry Pi 4 on Debian's kernel, a USB interface, a pad).
const HDMI0 = ' 0 [vc4hdmi0       ]: vc4-hdmi - vc4-hdmi-0\n                      vc4-hdmi-0\n';
const HDMI1 = ' 1 [vc4hdmi1       ]: vc4-hdmi - vc4-hdmi-1\n                      vc4-hdmi-1\n';
const SCARLETT =
  ' 2 [USB            ]: USB-Audio - Scarlett 2i2 USB\n                      Focusrite Scarlett 2i2 USB at usb-0000:01:00.0-1.3, high speed\n';
const GADGET = ' 0 [AntiphonPad    ]: MIDI Gadget - f_midi\n                      MIDI Gadget\n';

describe('resolveAudioDevice with audio_device = "auto"', () => {
  it('prefers a USB audio card that can play over the board outputs before it', () => {
    const asound = asoundWith(HDMI0 + HDMI1 + SCARLETT, ['card0/pcm0p', 'card1/pcm0p', 'card2/pcm0c', 'card2/pcm0p']);
    expect(resolveAudioDevice('auto', asound)).toEqual({
      device: 'hw:2,0',
      label: 'hw:2,0 (auto: USB-Audio "Scarlett 2i2 USB")',
    });
  });

  it('never picks a USB MIDI pad, a gadget or a capture-only card, nor a card whose line it cannot read', () => {
    const cards =
      ' 0 [Pad            ]: USB-Audio - Hotplug Drum Pad\n                      Pad at usb-1, full speed\n' +
      ' 1 [Mic            ]: USB-Audio - USB Microphone\n' +
      ' 2 [AntiphonPad    ]: MIDI Gadget - f_midi\n' +
      ' 3 [Broken]: no separator here\n' +
      ' 4 [Headphones     ]: bcm2835_headpho - bcm2835 Headphones\n';
    const asound = asoundWith(cards, ['card0/midi0', 'card1/pcm0c', 'card2/midiC2D0', 'card3/pcm0p', 'card4/pcm0p']);
    expect(resolveAudioDevice('auto', asound)).toEqual({
      device: 'hw:4,0',
      label: 'hw:4,0 (auto: bcm2835_headpho "bcm2835 Headphones")',
    });
  });

  it('without a USB card takes the lowest-numbered card that can play, on its first playback device', () => {
    const asound = asoundWith(GADGET + HDMI1 + SCARLETT.replace('USB-Audio', 'snd_hda_intel'), [
      'card1/pcm3p',
      'card1/pcm1p',
      'card1/pcm0c',
      'card2/pcm0p',
    ]);
    expect(resolveAudioDevice('auto', asound)).toMatchObject({ device: 'hw:1,1' });
  });

  it('names the problem when no card can play, and the cards it passed over', () => {
    expect(resolveAudioDevice('auto', asoundWith(GADGET, ['card0/midiC0D0']))).toEqual({
      problem: 'no sound card with a playback device (audio_device = "auto"; card 0 "f_midi" cannot play)',
    });
    expect(resolveAudioDevice('auto', asoundWith('--- no soundcards ---\n', []))).toEqual({
      problem: 'no sound card with a playback device (audio_device = "auto")',
    });
    expect(resolveAudioDevice('auto', join(tmpdir(), 'no-such-asound'))).toEqual({
      problem: 'no sound card with a playback device (audio_device = "auto")',
    });
  });
});

describe('resolveAudioDevice with an explicit device', () => {
  const asound = asoundWith(HDMI0 + HDMI1 + SCARLETT, ['card0/pcm0p', 'card1/pcm0p', 'card2/pcm0p']);

  it('uses it as written, even when a USB card is there', () => {
    expect(resolveAudioDevice('hw:0', asound)).toEqual({ device: 'hw:0', label: 'hw:0' });
    expect(resolveAudioDevice('plughw:1,0', asound)).toEqual({ device: 'plughw:1,0', label: 'plughw:1,0' });
    expect(resolveAudioDevice('default', asound)).toEqual({ device: 'default', label: 'default' });
  });

  it('says what is missing as before', () => {
    expect(resolveAudioDevice('hw:3', asound)).toEqual({ problem: 'no sound card 3 for hw:3' });
  });
});

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
