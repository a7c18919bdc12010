import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SerialLink, SerialLinkError, SerialPortOpener } from '../../src/devices/serial/serial-port.js';
import { SerialOpenError } from '../../src/devices/serial/serial-port.js';

/** One serial device and its far end, for the contract. */
export interface SerialHarness {
  readonly opener: SerialPortOpener;
  readonly path: string;
  readonly missingPath: string;
  peerWrite(bytes: Uint8Array): void;
  peerReceived(): readonly number[];
  /** Makes the device vanish (adapter pulled). */
  removeDevice(): void;
  dispose(): Promise<void>;
}

async function eventually(check: () => boolean, what: string, timeoutMs = 2000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function openFailure(opener: SerialPortOpener, path: string): Promise<SerialOpenError> {
  try {
    const link = await opener.open({ path, baudRate: 31250 });
    await link.close();
  } catch (error) {
    if (error instanceof SerialOpenError) return error;
    throw error;
  }
  throw new Error(`open(${path}) should have failed`);
}

/** Every byte value, with the ones a cooked tty would eat (^C, ^D, XON/XOFF, CR, LF, DEL). */
const allBytes = Uint8Array.from({ length: 256 }, (_, i) => i);

export function serialPortContract(name: string, makeHarness: () => Promise<SerialHarness>): void {
  describe(`SerialPortOpener contract: ${name}`, () => {
    let h: SerialHarness;
    let link: SerialLink | undefined;
    beforeEach(async () => {
      h = await makeHarness();
    });
    afterEach(async () => {
      await link?.close();
      link = undefined;
      await h.dispose();
    });

    it('carries every byte value both ways, raw and in order, with rising receive times', async () => {
      link = await h.opener.open({ path: h.path, baudRate: 31250 });
      const got: number[] = [];
      const times: number[] = [];
      link.onData((bytes, at) => {
        got.push(...bytes);
        times.push(at);
      });
      expect(link.write(allBytes)).toBe(true);
      await eventually(() => h.peerReceived().length >= 256, 'peer to receive 256 bytes');
      expect([...h.peerReceived()]).toEqual([...allBytes]);
      h.peerWrite(allBytes);
      await eventually(() => got.length >= 256, 'link to receive 256 bytes');
      expect(got).toEqual([...allBytes]);
      expect(times).toEqual([...times].sort((a, b) => a - b));
    });

    it('is exclusive: a second open is busy until the first closes', async () => {
      link = await h.opener.open({ path: h.path, baudRate: 31250 });
      const failure = await openFailure(h.opener, h.path);
      expect(failure.reason).toBe('busy');
      expect(failure.path).toBe(h.path);
      await link.close();
      link = await h.opener.open({ path: h.path, baudRate: 31250 });
      expect(link.write(Uint8Array.of(0xf8))).toBe(true);
    });

    it('names a missing device', async () => {
      const failure = await openFailure(h.opener, h.missingPath);
      expect(failure.reason).toBe('missing');
      expect(failure.message).toContain(h.missingPath);
    });

    it('closes once, idempotently, and refuses writes afterwards', async () => {
      link = await h.opener.open({ path: h.path, baudRate: 31250 });
      const closes: (SerialLinkError | undefined)[] = [];
      link.onClose((error) => closes.push(error));
      await link.close();
      await link.close();
      expect(closes).toEqual([undefined]);
      expect(link.write(Uint8Array.of(0xf8))).toBe(false);
    });

    it('reports a vanished device with a typed error, at the latest on the next write', async () => {
      link = await h.opener.open({ path: h.path, baudRate: 31250 });
      const closes: (SerialLinkError | undefined)[] = [];
      link.onClose((error) => closes.push(error));
      h.removeDevice();
      const open = link;
      await eventually(() => {
        open.write(Uint8Array.of(0xf8));
        return closes.length > 0;
      }, 'close after removal');
      expect(closes).toHaveLength(1);
      expect(closes[0]?.name).toBe('SerialLinkError');
      expect(closes[0]?.path).toBe(h.path);
      expect(link.write(Uint8Array.of(0xf8))).toBe(false);
    });
  });
}
