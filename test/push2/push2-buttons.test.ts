import { afterEach, describe, expect, it } from 'vitest';
import { PUSH2_SCHEMA } from '../../src/push2/config.js';
import { RecordingDisplayOpener } from '../../src/push2/display-link.js';
import { InlineFrameRenderer } from '../../src/push2/frame-renderer.js';
import { GREEN_INDEX, PLAYHEAD_INDEX, RED_INDEX, WHITE_BUTTON } from '../../src/push2/palette.js';
import { ANIMATION, BUTTON } from '../../src/push2/protocol.js';
import { Push2Surface } from '../../src/push2/push2-surface.js';
import { startSimBox, type SimBox } from '../support/sim-box.js';

const PUSH2 = {
  clientName: 'Ableton Push 2',
  inputs: ['Ableton Push 2 Live Port', 'Ableton Push 2 User Port'],
  outputs: ['Ableton Push 2 Live Port', 'Ableton Push 2 User Port'],
  usb: { vendorId: 0x2982, productId: 0x1967, serial: 'P2-SIM', busPath: '1-4' },
} as const;
const BAR_MS = 2000;

let sim: SimBox | undefined;
afterEach(async () => {
  await sim?.box.stop();
  sim = undefined;
});

async function boxWithPush() {
  const surface = new Push2Surface({
    config: PUSH2_SCHEMA.parse({ send_clock: false }),
    opener: new RecordingDisplayOpener(),
    renderer: () => new InlineFrameRenderer(),
  });
  const s = await startSimBox({ surfaces: [surface], config: { perform: { tempo_bpm: 120 } } });
  sim = s;
  const sent: number[][] = [];
  const client = s.plug(PUSH2);
  s.backend.onSend(`${client}:1:output`, (bytes) => sent.push([...bytes]));
  await s.run(400);
  const user = `${client}:1:input`;
  /** Presses and releases a button. */
  const press = async (cc: number): Promise<void> => {
    s.backend.feed(user, [0xb0, cc, 127]);
    await s.run(5);
    s.backend.feed(user, [0xb0, cc, 0]);
    await s.run(5);
  };
  /** The LED a button shows now: its last message as [animation channel, value]. */
  const led = (cc: number): [number, number] | undefined => {
    const m = sent.filter((b) => ((b[0] ?? 0) & 0xf0) === 0xb0 && b[1] === cc).at(-1);
    return m && [(m[0] ?? 0) & 0x0f, m[2] ?? 0];
  };
  /** A one-bar beat on the pads, from the next bar line, then time for its answer. */
  const callAndAnswer = async (): Promise<void> => {
    const view = s.box.clock.timeline;
    const bar = view.stepsPerBar * 6;
    const next = view.timeOfTick(((Math.floor(view.tickAt(s.clock.nowMs() as never) / bar) + 1) * bar) as never);
    await s.run(next - s.clock.nowMs());
    for (let step = 0; step < 16; step++) {
      if (step % 4 === 0) s.backend.feed(user, [0x90, step % 8 === 0 ? 36 : 38, 100]);
      await s.run(BAR_MS / 16);
    }
    await s.run(4 * BAR_MS);
  };
  return { s, press, led, callAndAnswer };
}

describe('Push 2 Play, Record and Undo (button -> command -> LED, virtual time)', () => {
  it('Play stops and starts the box; its LED pulses green while playing and is dim when stopped', async () => {
    const { s, press, led } = await boxWithPush();
    expect(led(BUTTON.play)).toEqual([ANIMATION.pulseQuarter, GREEN_INDEX]);
    await press(BUTTON.play);
    expect(s.box.snapshot().transport.playing).toBe(false);
    expect(led(BUTTON.play)).toEqual([ANIMATION.static, PLAYHEAD_INDEX]);
    await press(BUTTON.play);
    expect(s.box.snapshot().transport.playing).toBe(true);
    expect(led(BUTTON.play)).toEqual([ANIMATION.pulseQuarter, GREEN_INDEX]);
    const commands = s.events.flatMap((e) => (e.kind === 'command' ? [e.command] : []));
    expect(commands).toEqual([
      { kind: 'transport', play: 'toggle', source: 'push2' },
      { kind: 'transport', play: 'toggle', source: 'push2' },
    ]);
  });

  it('Record disarms and arms the recorder; red while armed', async () => {
    const { s, press, led } = await boxWithPush();
    expect(led(BUTTON.record)).toEqual([ANIMATION.static, RED_INDEX]);
    await press(BUTTON.record);
    expect(s.box.snapshot().transport.recordArmed).toBe(false);
    expect(led(BUTTON.record)).toEqual([ANIMATION.static, PLAYHEAD_INDEX]);
    await press(BUTTON.record);
    expect(s.box.snapshot().transport.recordArmed).toBe(true);
    expect(led(BUTTON.record)).toEqual([ANIMATION.static, RED_INDEX]);
  });

  it('Undo lights once there is a response to go back to, and goes dark when it has gone back', async () => {
    const { s, press, led, callAndAnswer } = await boxWithPush();
    expect(led(BUTTON.undo)).toEqual([ANIMATION.static, WHITE_BUTTON.off]);
    await callAndAnswer();
    expect(led(BUTTON.undo)).toEqual([ANIMATION.static, WHITE_BUTTON.off]);
    await callAndAnswer();
    expect(s.box.snapshot().transport.undoDepth).toBe(1);
    expect(led(BUTTON.undo)).toEqual([ANIMATION.static, WHITE_BUTTON.on]);
    await press(BUTTON.undo);
    expect(s.box.snapshot().transport.undoDepth).toBe(0);
    expect(led(BUTTON.undo)).toEqual([ANIMATION.static, WHITE_BUTTON.off]);
  });
});
