import { execFileSync } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { panelInputContract } from '../../test/contract/panel-input.contract.js';
import { nodeTimers } from '../clock/timers.js';
import {
  EV_KEY,
  EvdevParser,
  afterOverrun,
  decodeRecord,
  encodeRecords,
  eventPacket,
  evdevRecordSize,
} from './evdev-records.js';
import { EvdevInputSource } from './evdev-source.js';

// On the host the "event devices" are FIFOs carrying the kernel's record layout: the real
// reader (non-blocking file, epoll) runs unchanged. test/hwsim/panel.test.ts runs the same
// contract on real /dev/input devices inside the VM.
panelInputContract(
  'evdev files (FIFOs on the host)',
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'antiphon-evdev-'));
    const writers = new Map<string, number>();
    const source = new EvdevInputSource({ dir, prefix: 'platform-antiphon-', timers: nodeTimers, rescanMs: 60_000 });
    return {
      source,
      plug: async (name) => {
        execFileSync('mkfifo', [join(dir, name)]);
        // O_RDWR never blocks on a FIFO and keeps it open for the reader to come.
        writers.set(name, openSync(join(dir, name), constants.O_RDWR));
      },
      write: async (name, events) => {
        const fd = writers.get(name);
        if (fd === undefined) throw new Error(`${name} is not plugged`);
        writeSync(fd, encodeRecords(events));
      },
      // A FIFO has no evdev buffer: write what the kernel leaves an overrun reader.
      overrun: async (name, events) => {
        const fd = writers.get(name);
        if (fd === undefined) throw new Error(`${name} is not plugged`);
        writeSync(fd, encodeRecords(afterOverrun(events)));
      },
      unplug: async (name) => {
        unlinkSync(join(dir, name));
        const fd = writers.get(name);
        writers.delete(name);
        if (fd !== undefined) closeSync(fd);
      },
      dispose: async () => {
        for (const fd of writers.values()) closeSync(fd);
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
  ['platform-antiphon-keys-event', 'platform-antiphon-enc1-event'],
);

describe('evdev records', () => {
  it('are 24 bytes for a 64-bit process and 16 for a 32-bit one', () => {
    expect(evdevRecordSize('arm64')).toBe(24);
    expect(evdevRecordSize('x64')).toBe(24);
    expect(evdevRecordSize('arm')).toBe(16);
    expect(evdevRecordSize('ia32')).toBe(16);
  });

  it('decode the kernel layout in both sizes, across chunk boundaries', () => {
    for (const size of [16, 24] as const) {
      const events = [
        ...eventPacket(EV_KEY, 0x104, 1, 1_700_000_123_456.789),
        ...eventPacket(2, 1, -3, 1_700_000_123_457.5),
      ];
      const bytes = encodeRecords(events, size);
      expect(bytes.length).toBe(4 * size);
      const p = new EvdevParser(size);
      const out = [...p.push(bytes.subarray(0, size + 5)), ...p.push(bytes.subarray(size + 5))];
      expect(out.map((e) => [e.type, e.code, e.value])).toEqual(events.map((e) => [e.type, e.code, e.value]));
      expect(out[0]?.timeMs).toBeCloseTo(1_700_000_123_456.789, 3);
      expect(decodeRecord(bytes, 2 * size, size).value).toBe(-3);
    }
  });
});
