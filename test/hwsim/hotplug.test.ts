import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MidiStreamDecoder } from '../../src/midi/decoder.js';
import { endsNote, startsNote } from '../../src/midi/note-end.js';
import { UsbMidiGadget } from './support/usb-gadget.js';
import { loadVirmidi, unloadVirmidi, type VirmidiCard } from './support/virmidi.js';
import { startUdevd } from './support/udev.js';
import type { RawMidiDevice } from './support/rawmidi.js';
import { ServiceProcess, type LogRecord } from './service-process.js';

const CYCLES = Number(process.env['HOTPLUG_CYCLES'] ?? 50);
// Not 'Antiphon …': the device layer treats clients named antiphon* as its own system ports.
const PRODUCT = 'Hotplug Drum Pad';
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
        '[log]',
        'level = "trace"',
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
    const out = process.env['HWSIM_OUT'];
    const save = (): void => {
      if (out && svc)
        writeFileSync(join(out, 'hotplug-service.log'), svc.records.map((r) => JSON.stringify(r)).join('\n'));
    };
    try {
      await svc?.stop();
    } finally {
      save();
      // Later files must not find the VirMIDI "pads" (they would take the default roles).
      await unloadVirmidi();
    }
  });

  // 50 plug cycles take a few seconds each under emulation.
  it(
    'sees every plug and unplug within 1 s, restores identity and role, leaves no stuck notes, never exits',
    { timeout: 600_000 },
    async () => {
      // plug -> the box has the pad in its human role; kernel = plug -> ALSA card exists;
      // detect = the box's own part (attach minus kernel). The same for unplug.
      const attachMs: number[] = [];
      const kernelMs: number[] = [];
      const detectMs: number[] = [];
      const detachMs: number[] = [];
      const kernelGoneMs: number[] = [];
      const lateHits: { cycle: number; attempts: number }[] = [];
      const identities = new Set<string>();
      const thruBytes: number[] = [];
      let cursor = 0;
      const isPad = (r: LogRecord): boolean => r.device === PRODUCT;

      for (let cycle = 0; cycle < CYCLES; cycle++) {
        const plugAt = Date.now();
        gadget.plug();
        // A real pad's firmware is up before the host enumerates it: open the gadget side first.
        const [pad] = await gadget.openPorts();
        if (!pad) throw new Error('gadget has no port');
        // When the kernel has the device's ALSA card: the box cannot see it before that.
        const hostCard = await gadget.hostCard(10_000);
        kernelMs.push(Date.now() - plugAt);
        // The kernel registers a new device's ports one by one: the box may open it half-made and
        // then again; it counts as attached once it is open with its input and in its role.
        const opened = await svc.waitForLog(
          (r) => isPad(r) && r.msg === 'device attached' && typeof r.input === 'string',
          `cycle ${cycle}: the pad opened with its input`,
          10_000,
          cursor,
        );
        const attached = await svc.waitForLog(
          (r) => isPad(r) && r.msg === 'device roles' && Array.isArray(r.roles) && r.roles.includes('human'),
          `cycle ${cycle}: the pad in the human role`,
          10_000,
          opened.index,
        );
        cursor = attached.index + 1;
        attachMs.push(attached.record.time - plugAt);
        detectMs.push(attached.record.time - plugAt - (kernelMs.at(-1) ?? 0));

        const note = 36 + (cycle % 12);
        // A complete hit until the sound module echoes it: under emulation the kernel can take a
        // moment longer than the box to make a new port live. Counted and reported, never hidden.
        const hit = [0x99, 42, 80, 0x89, 42, 0];
        for (let attempt = 0; ; attempt++) {
          pad.write(hit);
          const echoed = await thru.readBytes(hit.length, 1_000).catch(() => undefined);
          if (echoed) {
            thruBytes.push(...echoed);
            if (attempt > 0) lateHits.push({ cycle, attempts: attempt + 1 });
            break;
          }
          if (attempt === 4) {
            svc.records.push({ time: Date.now(), msg: `(no thru at cycle ${cycle}) ${svc.threadStates()}` });
            throw new Error(`cycle ${cycle}: the pad's hits never reached the sound module`);
          }
        }
        // Then a hit left sounding: the unplug lands mid-note.
        pad.write([0x99, note, 90 + (cycle % 30)]);
        thruBytes.push(...(await thru.readBytes(3, 10_000)));

        const unplugAt = Date.now();
        gadget.unplug();
        await gadget.waitHostCardGone(hostCard);
        kernelGoneMs.push(Date.now() - unplugAt);
        const detached = await svc.waitForLog(
          // The instance that played the held note is the one that must release it. (Under
          // emulation the kernel sometimes enumerates a pad twice, the first time without its
          // serial string; that short-lived instance is counted, not mistaken for this one.)
          (r) => isPad(r) && r.msg === 'device detached' && r.releasedNotes === 1,
          `cycle ${cycle}: the pad detached`,
          10_000,
          cursor,
        );
        cursor = detached.index + 1;
        detachMs.push(detached.record.time - unplugAt);
        identities.add(String(detached.record.identity));
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
        plugToRoleMs: { median: median(attachMs), max: Math.max(...attachMs) },
        kernelEnumerationMs: { median: median(kernelMs), max: Math.max(...kernelMs) },
        boxDetectAfterKernelMs: { median: median(detectMs), max: Math.max(...detectMs) },
        unplugToDetachMs: { median: median(detachMs), max: Math.max(...detachMs) },
        kernelRemovalMs: { median: median(kernelGoneMs), max: Math.max(...kernelGoneMs) },
        firstHitNeededRetry: lateHits,
      };
      process.stdout.write(`HOTPLUG ${JSON.stringify(summary)}\n`);
      const out = process.env['HWSIM_OUT'];
      if (out)
        writeFileSync(
          join(out, 'hotplug.json'),
          JSON.stringify({ ...summary, attachMsAll: attachMs, detachMsAll: detachMs }),
        );

      expect([...sounding]).toEqual([]);
      expect(identities.size).toBe(1);
      expect([...identities][0]).toBe(`usb:1209:0002:${SERIAL}:${PRODUCT}`);
      // Timing under TCG emulation on a shared 2-core machine is reported, not a pass mark for
      // each plug (speed targets live in benchmarks). The medians must still show detection in
      // well under a second; a hang or a missed plug fails the waits above.
      expect(median(detectMs)).toBeLessThan(1000);
      expect(median(detachMs)).toBeLessThan(1000);
      expect(svc.exitCode).toBeUndefined();
    },
  );
});
