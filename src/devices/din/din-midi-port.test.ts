import { describe, expect, it } from 'vitest';
import { virtualScheduler } from '../../clock/testing.js';
import type { TimedMidiMessage } from '../../midi/message.js';
import { SimulatedSerialBus } from '../serial/simulated-serial-port.js';
import { DinMidiPort, type DinLog } from './din-midi-port.js';

class RecordingLog implements DinLog {
  readonly lines: { level: string; details: Record<string, unknown>; message: string }[] = [];
  info(details: object, message: string): void {
    this.lines.push({ level: 'info', details: details as Record<string, unknown>, message });
  }
  warn(details: object, message: string): void {
    this.lines.push({ level: 'warn', details: details as Record<string, unknown>, message });
  }
}

const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function rig() {
  const v = virtualScheduler(0);
  const bus = new SimulatedSerialBus(v.clock);
  const log = new RecordingLog();
  const din = new DinMidiPort(bus, v.scheduler, log, { path: '/dev/ttyAMA0', retryMs: 2000 });
  const got: TimedMidiMessage[] = [];
  din.onMessage((m) => got.push(m));
  return { ...v, bus, log, din, got };
}

describe('DinMidiPort', () => {
  it('decodes input through the codec, back-dating each message by its bytes at 31,250 baud', async () => {
    const { bus, din, got, clock } = rig();
    const peer = bus.plug('/dev/ttyAMA0');
    await din.start();
    expect(din.state).toBe('open');
    clock.set(100);
    peer.write(Uint8Array.of(0x99, 36, 100, 0xf8, 38, 90)); // running status with a clock inside
    expect(got.map((m) => m.message.type)).toEqual(['noteOn', 'clock', 'noteOn']);
    expect(got[0]?.timeMs).toBeCloseTo(100 - 3 * 0.32, 9);
    expect(got[2]?.message).toEqual({ type: 'noteOn', channel: 9, note: 38, velocity: 90 });
    expect(din.send(Uint8Array.of(0xf8))).toBe(true);
    expect(peer.received).toEqual([0xf8]);
  });

  it('keeps running without a UART: logs the reason once and retries until it appears', async () => {
    const { bus, din, log, wakeup } = rig();
    await din.start();
    expect(din.state).toBe('down');
    expect(din.send(Uint8Array.of(0xf8))).toBe(false);
    wakeup.advanceBy(2000);
    await flush();
    wakeup.advanceBy(2000);
    await flush();
    expect(log.lines.filter((l) => l.level === 'warn')).toEqual([
      {
        level: 'warn',
        details: expect.objectContaining({ path: '/dev/ttyAMA0', reason: 'missing' }) as unknown,
        message: 'DIN MIDI unavailable; retrying',
      },
    ]);
    bus.plug('/dev/ttyAMA0');
    wakeup.advanceBy(2000);
    await flush();
    expect(din.state).toBe('open');
  });

  it('names a port held by another program, then takes it when freed', async () => {
    const { bus, din, log, wakeup } = rig();
    bus.plug('/dev/ttyAMA0');
    bus.heldElsewhere.add('/dev/ttyAMA0');
    await din.start();
    expect(log.lines.at(-1)?.details).toMatchObject({ reason: 'busy' });
    bus.heldElsewhere.clear();
    wakeup.advanceBy(2000);
    await flush();
    expect(din.state).toBe('open');
  });

  it('survives the device vanishing and reopens it when it returns', async () => {
    const { bus, din, log, wakeup, got } = rig();
    bus.plug('/dev/ttyAMA0').remove();
    const peer0 = bus.plug('/dev/ttyAMA0');
    await din.start();
    peer0.remove();
    expect(din.state).toBe('down');
    expect(log.lines.at(-1)?.details).toMatchObject({ reason: 'gone' });
    const peer = bus.plug('/dev/ttyAMA0');
    wakeup.advanceBy(2000);
    await flush();
    expect(din.state).toBe('open');
    peer.write(Uint8Array.of(0xfa));
    expect(got.at(-1)?.message.type).toBe('start');
  });

  it('stops retrying once disposed', async () => {
    const { din, wakeup, scheduler } = rig();
    await din.start();
    await din.dispose();
    wakeup.advanceBy(10_000);
    await flush();
    expect(din.state).toBe('disposed');
    expect(scheduler.pending).toBe(0);
  });
});

describe('DinMidiPort as a clock output', () => {
  it('gets master clock ticks at their time through the scheduler when it has no thread', async () => {
    const { bus, din, wakeup, scheduler } = rig();
    const peer = bus.plug('/dev/ttyAMA0');
    await din.start();
    const { MasterClock } = await import('../../clock/master-clock.js');
    const { bpm, msPerTick } = await import('../../clock/units.js');
    const clock = new MasterClock(scheduler, { tempo: bpm(174), outputs: () => [din], aheadTicks: 2 });
    clock.run(0);
    wakeup.advanceTo(10 * msPerTick(bpm(174)) + 0.001);
    expect(peer.received).toEqual(Array(11).fill(0xf8));
  });
});
