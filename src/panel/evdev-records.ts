/** Linux input event types and the codes the panel uses (linux/input-event-codes.h). */
export const EV_SYN = 0;
export const EV_KEY = 1;
export const EV_REL = 2;
export const SYN_REPORT = 0;
/** The reader's buffer overran: events were lost up to the next SYN_REPORT. */
export const SYN_DROPPED = 3;

/** One `struct input_event`. `timeMs` is the kernel's stamp (CLOCK_REALTIME unless set otherwise), in ms. */
export interface InputEvent {
  readonly type: number;
  readonly code: number;
  readonly value: number;
  readonly timeMs: number;
}

/**
 * The size of `struct input_event` as the kernel hands it to this process: a timeval of two
 * longs, then type u16, code u16, value s32. The kernel answers each reader in the reader's
 * own ABI (a 32-bit process on a 64-bit kernel gets the 16-byte compat layout), so what
 * counts is this Node binary's word size, not the kernel's: 24 bytes for a 64-bit Node
 * (arm64, x64), 16 for a 32-bit one (arm, ia32) — Raspberry Pi OS's 32-bit userland on its
 * 64-bit kernel included.
 */
export function evdevRecordSize(arch: string = process.arch): 16 | 24 {
  return ['arm', 'ia32', 'mips', 'mipsel', 'ppc', 's390', 'x32'].includes(arch) ? 16 : 24;
}

/**
 * Cuts a stream of event records into events, keeping a partial record for the next chunk
 * (a file stream may split records; the kernel itself only returns whole ones).
 */
export class EvdevParser {
  #pending: Buffer = Buffer.alloc(0);

  constructor(readonly recordSize: 16 | 24 = evdevRecordSize()) {}

  push(chunk: Buffer): InputEvent[] {
    const buf = this.#pending.length === 0 ? chunk : Buffer.concat([this.#pending, chunk]);
    const whole = buf.length - (buf.length % this.recordSize);
    const out: InputEvent[] = [];
    for (let off = 0; off < whole; off += this.recordSize) out.push(decodeRecord(buf, off, this.recordSize));
    this.#pending = Buffer.from(buf.subarray(whole));
    return out;
  }
}

export function decodeRecord(buf: Buffer, off: number, size: 16 | 24): InputEvent {
  const wide = size === 24;
  const sec = wide ? Number(buf.readBigInt64LE(off)) : buf.readInt32LE(off);
  const usec = wide ? Number(buf.readBigInt64LE(off + 8)) : buf.readInt32LE(off + 4);
  const t = wide ? 16 : 8;
  return {
    timeMs: sec * 1000 + usec / 1000,
    type: buf.readUInt16LE(off + t),
    code: buf.readUInt16LE(off + t + 2),
    value: buf.readInt32LE(off + t + 4),
  };
}

/** Encodes events as the kernel would (for simulators, uinput-free tests and the bench). */
export function encodeRecords(events: readonly InputEvent[], size: 16 | 24 = evdevRecordSize()): Buffer {
  const buf = Buffer.alloc(events.length * size);
  events.forEach((e, i) => {
    const off = i * size;
    const sec = Math.floor(e.timeMs / 1000);
    const usec = Math.round((e.timeMs - sec * 1000) * 1000);
    if (size === 24) {
      buf.writeBigInt64LE(BigInt(sec), off);
      buf.writeBigInt64LE(BigInt(usec), off + 8);
    } else {
      buf.writeInt32LE(sec, off);
      buf.writeInt32LE(usec, off + 4);
    }
    const t = size === 24 ? 16 : 8;
    buf.writeUInt16LE(e.type, off + t);
    buf.writeUInt16LE(e.code, off + t + 2);
    buf.writeInt32LE(e.value, off + t + 4);
  });
  return buf;
}

/** A turn (relative axis) or key edge followed by the SYN_REPORT the kernel sends after it. */
export function eventPacket(type: number, code: number, value: number, timeMs: number): InputEvent[] {
  return [
    { type, code, value, timeMs },
    { type: EV_SYN, code: SYN_REPORT, value: 0, timeMs },
  ];
}

/**
 * What evdev leaves a reader whose buffer overran while `events` were written: SYN_DROPPED,
 * then the newest whole packet (drivers/input/evdev.c keeps the newest event and hands a
 * reader only what a SYN_REPORT closed). For simulators and FIFO tests.
 */
export function afterOverrun(events: readonly InputEvent[]): InputEvent[] {
  const isReport = (e: InputEvent): boolean => e.type === EV_SYN && e.code === SYN_REPORT;
  let last = events.length - 1;
  while (last >= 0 && !isReport(events[last] as InputEvent)) last--;
  let first = last - 1;
  while (first >= 0 && !isReport(events[first] as InputEvent)) first--;
  const newest = events.slice(first + 1, last + 1);
  return [{ type: EV_SYN, code: SYN_DROPPED, value: 0, timeMs: newest[0]?.timeMs ?? 0 }, ...newest];
}
