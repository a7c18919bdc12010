import { expect, it } from 'vitest';
import { FRAME_BYTES } from '../../src/push2/frame.js';
import { DisplayLinkError, type DisplayLink } from '../../src/push2/display-link.js';

/** What a test gives the contract: a fresh open link, and a way to make the device vanish. */
export interface DisplayLinkFixture {
  open(): Promise<DisplayLink>;
  /** Unplugs the device behind the last link opened (the simulator fails its next sends). */
  unplug(link: DisplayLink): Promise<void>;
  /** The frames the device received so far (the simulator's record, the gadget's capture). */
  received(link: DisplayLink): Promise<readonly Uint8Array[]>;
}

/** The DisplayLink contract, run against the simulator always and against `usb` in the hw-sim VM. */
export function displayLinkContract(f: DisplayLinkFixture): void {
  it('sends whole frames, which arrive byte for byte, in order', async () => {
    const link = await f.open();
    const a = new Uint8Array(FRAME_BYTES).fill(0x11);
    const b = new Uint8Array(FRAME_BYTES).map((_, i) => i & 0xff);
    await link.send(a);
    await link.send(b);
    const got = await f.received(link);
    expect(got.length).toBe(2);
    expect(Buffer.from(got[0] ?? []).equals(Buffer.from(a))).toBe(true);
    expect(Buffer.from(got[1] ?? []).equals(Buffer.from(b))).toBe(true);
    await link.close();
  });

  it('refuses a frame of the wrong size with a DisplayLinkError', async () => {
    const link = await f.open();
    await expect(link.send(new Uint8Array(1000))).rejects.toBeInstanceOf(DisplayLinkError);
    await link.close();
  });

  it('rejects with a DisplayLinkError once the device is gone', async () => {
    const link = await f.open();
    await f.unplug(link);
    await expect(link.send(new Uint8Array(FRAME_BYTES))).rejects.toBeInstanceOf(DisplayLinkError);
    await link.close();
  });
}
