import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SysfsUsbIdentityReader, cardForClient, parseAsoundCards, resolveClientUsb } from './usb-identity.js';

const CARDS = ` 0 [VirMIDI        ]: VirMIDI - VirMIDI
                      Virtual MIDI Card 1
 1 [Pad            ]: USB-Audio - Hotplug Drum Pad
                      Antiphon Test Hotplug Drum Pad at usb-dummy_hcd.0-1, high speed
`;

/** A fake /proc and /sys with one USB MIDI card (card 1), as the kernel lays them out. */
function fakeRoots(serial: string | undefined, declaresSerial: boolean): SysfsUsbIdentityReader {
  const root = mkdtempSync(join(tmpdir(), 'antiphon-sysfs-'));
  mkdirSync(join(root, 'proc/asound'), { recursive: true });
  writeFileSync(join(root, 'proc/asound/cards'), CARDS);
  const dev = join(root, 'sys/devices/usb1/1-1');
  mkdirSync(join(dev, '1-1:1.0'), { recursive: true });
  writeFileSync(join(dev, 'idVendor'), '1209\n');
  writeFileSync(join(dev, 'idProduct'), '0002\n');
  const descriptor = Buffer.alloc(18);
  descriptor[16] = declaresSerial ? 3 : 0;
  writeFileSync(join(dev, 'descriptors'), descriptor);
  if (serial !== undefined) writeFileSync(join(dev, 'serial'), `${serial}\n`);
  mkdirSync(join(root, 'sys/class/sound/card1'), { recursive: true });
  symlinkSync(join(dev, '1-1:1.0'), join(root, 'sys/class/sound/card1/device'));
  return new SysfsUsbIdentityReader(join(root, 'proc'), join(root, 'sys'));
}

describe('USB identity from sysfs', () => {
  it("parses /proc/asound/cards and maps a card's sequencer client to it by number and name", () => {
    const cards = parseAsoundCards(CARDS);
    expect(cards.map((c) => [c.number, c.driver, c.shortName])).toEqual([
      [0, 'VirMIDI', 'VirMIDI'],
      [1, 'USB-Audio', 'Hotplug Drum Pad'],
    ]);
    expect(cardForClient(20, 'Hotplug Drum Pad', cards)?.number).toBe(1);
    expect(cardForClient(20, 'Something Else', cards)).toBeUndefined();
    expect(cardForClient(16, 'Virtual Raw MIDI 0-0', cards)).toBeUndefined();
    expect(cardForClient(130, 'Hotplug Drum Pad', cards)).toBeUndefined();
  });

  it("reads a driver name with a space (the f_midi gadget's) and maps its client to the card", () => {
    const cards = parseAsoundCards(
      ` 0 [AntiphonPad    ]: MIDI Gadget - f_midi\n                      MIDI Gadget\n` +
        ` 1 [Headphones     ]: bcm2835_headpho - bcm2835 Headphones - Mono\n`,
    );
    expect(cards).toEqual([
      { number: 0, id: 'AntiphonPad', driver: 'MIDI Gadget', shortName: 'f_midi' },
      { number: 1, id: 'Headphones', driver: 'bcm2835_headpho', shortName: 'bcm2835 Headphones - Mono' },
    ]);
    expect(cardForClient(16, 'f_midi', cards)?.number).toBe(0);
  });

  it('reads vendor, product and serial of a USB card', () => {
    const reader = fakeRoots('AP-1', true);
    expect(resolveClientUsb(reader, reader.cards(), 20, 'Hotplug Drum Pad')).toMatchObject({
      vendorId: 0x1209,
      productId: 0x0002,
      serial: 'AP-1',
      busPath: '1-1',
    });
  });

  it('is pending while a declared serial has not appeared yet, and for a client whose card is gone', () => {
    const reader = fakeRoots(undefined, true);
    expect(resolveClientUsb(reader, reader.cards(), 20, 'Hotplug Drum Pad')).toBe('pending');
    expect(resolveClientUsb(reader, reader.cards(), 24, 'Hotplug Drum Pad')).toBe('pending');
  });

  it('accepts a device without a serial when its descriptor declares none', () => {
    const reader = fakeRoots(undefined, false);
    const usb = resolveClientUsb(reader, reader.cards(), 20, 'Hotplug Drum Pad');
    expect(usb).toMatchObject({ vendorId: 0x1209 });
    expect(usb === 'pending' ? undefined : usb?.serial).toBeUndefined();
  });

  it('treats non-USB clients as not USB', () => {
    const reader = fakeRoots('AP-1', true);
    expect(resolveClientUsb(reader, reader.cards(), 16, 'Virtual Raw MIDI 0-0')).toBeUndefined();
    expect(resolveClientUsb(reader, reader.cards(), 14, 'Midi Through')).toBeUndefined();
  });
});
