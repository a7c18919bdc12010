import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MidiStreamDecoder } from '../../src/midi/decoder.js';
import { endsNote, startsNote } from '../../src/midi/note-end.js';
import { UsbMidiGadget } from './support/usb-gadget.js';
import { loadVirmidi, type VirmidiCard } from './support/virmidi.js';
import { startUdevd } from './support/udev.js';
import type { RawMidiDevice } from './support/rawmidi.js';
import { ServiceProcess, type LogRecord } from './service-process.js';

const CYCLES = Number(process.env['HOTPLUG_CYCLES'] ?? 50);
const PRODUCT = 'Antiphon Hotplug Pad';
const SERIAL = 'AP-HOTPLUG-0001';

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
};

describe(`hotplug: a USB drum pad plugged, played and unplugged ${CYCLES} times while the box runs`, () => {
  let svc: ServiceProcess;
  let gadget: UsbMidiGadget;
  let virmidi: VirmidiCard;
  let thru: RawMidiDevice;

  beforeAll(async () => {
    await startUdevd();
    virmidi = await loadVirmidi();
    thru = virmidi.open(0);
    gadget = await UsbMidiGadget.create({
      name: 'hotplugpad',
      vendorId: 0x1209,
      productId: 0x0002,
      product: PRODUCT,
      manufacturer: 'Antiphon Test',
      serialNumber: SERIAL,
      inPorts: 1,
      outPorts: 1,
    });
    // The pad is the human; its hits are echoed to a sound module (virmidi 0) so a stuck note
    // would be audible there; the gadget's own side (f_midi) is the pad, not a device of the box.
    svc = await ServiceProcess.start(
      [
        '[devices]',
        'poll_ms = 250',
        'ignore = ["f_midi"]',
        '[[devices.roles]]',
        `match = "${PRODUCT}"`,
        'roles = ["human"]',
        '[[devices.roles]]',
        `match = "Virtual Raw MIDI ${virmidi.card.index}-0"`,
        'roles = ["thru"]',
      ].join('\n'),
    );
  });

  afterAll(async () => {
    gadget?.remove();
    thru?.close();
    await svc?.stop();
  });

  it('sees every plug and unplug within 1 s, restores identity and role, leaves no stuck notes, never exits', async () => {
    const attachMs: number[] = [];
    const detachMs: number[] = [];
    const identities = new Set<string>();
    const thruBytes: number[] = [];
    let cursor = 0;
    const isPad = (r: LogRecord): boolean => r.device === PRODUCT;

    for (let cycle = 0; cycle < CYCLES; cycle++) {
      const plugAt = Date.now();
      gadget.plug();
      const attached = await svc.waitForLog(
        (r) => isPad(r) && r.msg === 'device roles' && Array.isArray(r.roles) && r.roles.includes('human'),
        `cycle ${cycle}: the pad attached with the human role`,
        10_000,
        cursor,
      );
      cursor = attached.index + 1;
      attachMs.push(attached.record.time - plugAt);
      identities.add(String(attached.record.identity));

      const [pad] = await gadget.openPorts();
      if (!pad) throw new Error('gadget has no port');
      const note = 36 + (cycle % 12);
      // A complete hit, then a hit left sounding: the unplug lands mid-note.
      pad.write([0x99, 42, 80, 0x89, 42, 0, 0x99, note, 90 + (cycle % 30)]);
      thruBytes.push(...(await thru.readBytes(9, 10_000)));

      const unplugAt = Date.now();
      gadget.unplug();
      const detached = await svc.waitForLog(
        (r) => isPad(r) && r.msg === 'device detached',
        `cycle ${cycle}: the pad detached`,
        10_000,
        cursor,
      );
      cursor = detached.index + 1;
      detachMs.push(detached.record.time - unplugAt);
      expect(detached.record.releasedNotes, `cycle ${cycle}: notes released`).toBe(1);
      thruBytes.push(...(await thru.readBytes(3, 10_000)));
    }

    // Every note-on that reached the sound module was ended.
    const sounding = new Set<number>();
    const decoder = new MidiStreamDecoder();
    decoder.feed(Uint8Array.from(thruBytes), (m) => {
      if (startsNote(m) && m.type === 'noteOn') sounding.add(m.note);
      else if (endsNote(m) && (m.type === 'noteOn' || m.type === 'noteOff')) sounding.delete(m.note);
    });
    const summary = {
      cycles: CYCLES,
      attachMs: { median: median(attachMs), max: Math.max(...attachMs) },
      detachMs: { median: median(detachMs), max: Math.max(...detachMs) },
    };
    process.stdout.write(`HOTPLUG ${JSON.stringify(summary)}\n`);
    const out = process.env['HWSIM_OUT'];
    if (out) writeFileSync(join(out, 'hotplug.json'), JSON.stringify({ ...summary, attachMsAll: attachMs, detachMsAll: detachMs }));

    expect([...sounding]).toEqual([]);
    expect(identities.size).toBe(1);
    expect([...identities][0]).toBe(`usb:1209:0002:${SERIAL}:${PRODUCT}`);
    expect(Math.max(...attachMs)).toBeLessThan(1000);
    expect(Math.max(...detachMs)).toBeLessThan(1000);
    expect(svc.exitCode).toBeUndefined();
  });
});
