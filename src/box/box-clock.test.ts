import { describe, expect, it } from 'vitest';
import { syntheticClock } from '../clock/synthetic-clock.js';
import { virtualScheduler } from '../clock/testing.js';
import { ticks } from '../clock/units.js';
import { DeviceManager } from '../devices/device-manager.js';
import { RoleBook } from '../devices/roles.js';
import { NodeSerialPortOpener } from '../devices/serial/node-serial-port.js';
import type { SerialPortOpener } from '../devices/serial/serial-port.js';
import { SimulatedSerialBus } from '../devices/serial/simulated-serial-port.js';
import { SimMidiBackend } from '../devices/sim-backend.js';
import type { TimedMidiMessage } from '../midi/message.js';
import type { Config } from '../system/config.js';
import { BoxClock } from './box-clock.js';

interface Line {
  readonly level: string;
  readonly details: Record<string, unknown>;
  readonly message: string;
}

class RecordingLog {
  readonly lines: Line[] = [];
  info(details: object, message: string): void {
    this.lines.push({ level: 'info', details: details as Record<string, unknown>, message });
  }
  warn(details: object, message: string): void {
    this.lines.push({ level: 'warn', details: details as Record<string, unknown>, message });
  }
  sources(): unknown[] {
    return this.lines.filter((l) => l.message === 'clock source').map((l) => l.details.source);
  }
}

const F8 = 0xf8;
const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const countF8 = (chunks: readonly Uint8Array[]): number =>
  chunks.reduce((n, c) => n + c.filter((b) => b === F8).length, 0);

interface RigOptions {
  readonly source?: Config['clock']['source'];
  readonly din?: Partial<Config['din']>;
  readonly uart?: boolean;
  readonly serial?: SerialPortOpener;
}

/** A box's clock wiring on virtual time: a USB clock source, a USB synth on clock-out, and DIN. */
async function rig(o: RigOptions = {}) {
  const v = virtualScheduler(0);
  const now = (): number => v.clock.nowMs();
  const backend = new SimMidiBackend(now);
  const bus = new SimulatedSerialBus(v.clock);
  const peer = o.uart === false ? undefined : bus.plug('/dev/ttyAMA0');
  const log = new RecordingLog();
  const dinHuman: TimedMidiMessage[] = [];
  const box: { clock?: BoxClock } = {};
  const manager = new DeviceManager({
    backend,
    now,
    roles: new RoleBook([
      { match: 'Drum Machine', roles: ['clock-in'] },
      { match: 'Synth', roles: ['clock-out'] },
    ]),
    listener: { message: (d, t) => void box.clock?.deviceMessage(d, t) },
  });
  const master = backend.plug({ clientName: 'Drum Machine', inputs: ['Drum Machine MIDI 1'] });
  const synth = backend.plug({ clientName: 'Synth', outputs: ['Synth MIDI 1'] });
  manager.scan();
  const clock = new BoxClock({
    scheduler: v.scheduler,
    clock: { source: o.source ?? 'auto', thru: true, lost_after_ms: 500 },
    din: { enabled: true, device: '/dev/ttyAMA0', roles: ['clock-in', 'clock-out', 'human'], ...o.din },
    tempoBpm: 120,
    devices: () => manager.devices(),
    serial: o.serial ?? bus,
    log,
    toSchedulerMs: (t) => t,
    onDinHuman: (t) => dinHuman.push(t),
  });
  box.clock = clock;
  const jumps: string[] = [];
  clock.onTimelineJump((why) => jumps.push(why));
  await clock.start();
  const synthF8s = (): number => countF8(backend.drain(`${synth}:0:output`));
  return { ...v, backend, manager, peer, log, clock, jumps, dinHuman, masterIn: `${master}:0:input`, synth, synthF8s };
}

describe('BoxClock: the box plays to the ClockService', () => {
  it('auto: leads on clock-out and DIN, then follows F8 at 174 BPM on a clock-in device and reports it', async () => {
    const r = await rig();
    r.wakeup.advanceTo(100);
    expect(r.clock.service.source).toBe('internal');
    expect(r.log.sources()).toEqual(['internal']);
    // 120 BPM: a tick every 20.8 ms, the first at 0.
    expect(r.synthF8s()).toBe(5);
    expect(r.peer?.received.filter((b) => b === F8)).toHaveLength(5);

    const external = syntheticClock({ tempoAt: () => 174, ticks: 96, startMs: 200, jitterMs: 1, seed: 3 });
    r.wakeup.advanceTo(199);
    r.synthF8s();
    r.peer?.received.splice(0);
    r.backend.feed(r.masterIn, [0xfa], 199);
    for (const t of external) {
      r.wakeup.advanceTo(t.arrivedMs ?? 0);
      r.backend.feed(r.masterIn, [F8], t.arrivedMs ?? 0);
    }
    expect(r.clock.service.source).toBe('external');
    expect(r.clock.service.followerState).toBe('locked');
    expect(r.log.sources()).toEqual(['internal', 'external']);
    // The engine's timeline is the followed one: its tempo, and its next tick where the next F8 is due.
    expect(r.clock.timeline.tempo()).toBeCloseTo(174, 0);
    const period = 60_000 / 174 / 24;
    const lastTrue = external.at(-1)?.trueMs ?? 0;
    expect(Math.abs(r.clock.timeline.timeOfTick(ticks(96)) - (lastTrue + period))).toBeLessThan(1);
    expect(r.clock.timeline.tickAt(r.clock.timeline.timeOfTick(ticks(48)))).toBeCloseTo(48, 6);
    // Thru: the synth and DIN out get the incoming Start and every incoming F8, and nothing of their own.
    expect(r.synthF8s()).toBe(96);
    expect(r.peer?.received.filter((b) => b === F8)).toHaveLength(96);
    expect(r.peer?.received[0]).toBe(0xfa);
    // The tempo knob belongs to the other box now.
    expect(r.clock.setTempo(100)).toBe(false);
    // Song position restarted with the other box's Start (heard before the lock): the engine is
    // told once, as a start; its Stop too.
    expect(r.jumps).toEqual(['start']);
    r.backend.feed(r.masterIn, [0xfc], r.clock.service.master.nextTickTimeMs ?? external.at(-1)?.arrivedMs ?? 0);
    expect(r.jumps).toEqual(['start', 'stop']);
    expect(r.clock.service.transport.running).toBe(false);

    // The cable is pulled: the box leads again at 174, reports it, and the clock-outs keep getting F8.
    r.wakeup.advanceTo(lastTrue + 1000);
    expect(r.clock.service.source).toBe('internal');
    expect(r.log.sources()).toEqual(['internal', 'external', 'internal']);
    const lastReport = r.log.lines.filter((l) => l.message === 'clock source').at(-1);
    expect(lastReport?.details.tempo).toBeCloseTo(174, 0);
    expect(r.synthF8s()).toBeGreaterThan(Math.floor(400 / period));
    expect(r.clock.timeline.tempo()).toBeCloseTo(174, 0);
    expect(r.clock.setTempo(150)).toBe(true);
    expect(r.clock.timeline.tempo()).toBe(150);
  });

  it('follows a clock on DIN in and hands DIN notes (not clock) to the human path', async () => {
    const r = await rig();
    const external = syntheticClock({ tempoAt: () => 174, ticks: 48, startMs: 50, seed: 1 });
    r.wakeup.advanceTo(49);
    r.peer?.write(Uint8Array.of(0xfa));
    for (const t of external) {
      r.wakeup.advanceTo(t.arrivedMs ?? 0);
      r.peer?.write(Uint8Array.of(F8));
    }
    r.peer?.write(Uint8Array.of(0x99, 36, 100));
    r.peer?.write(Uint8Array.of(0xfc, 0xfb));
    expect(r.jumps).toEqual(['start', 'stop', 'continue']);
    expect(r.clock.service.source).toBe('external');
    expect(r.clock.service.transport.tempo).toBeCloseTo(174, 1);
    expect(r.dinHuman.map((t) => t.message)).toEqual([{ type: 'noteOn', channel: 9, note: 36, velocity: 100 }]);
  });

  it('ignores clock from devices without the clock-in role and from DIN without it', async () => {
    const r = await rig({ din: { roles: ['clock-out'] } });
    const pad = r.backend.plug({ clientName: 'Stray Pad', inputs: ['Stray Pad MIDI 1'] });
    r.manager.scan();
    expect(r.manager.devices().find((d) => d.found.description.clientName === 'Stray Pad')?.roles).toEqual(['human']);
    for (let i = 0; i < 48; i++) {
      r.wakeup.advanceTo(10 + i * 14);
      r.peer?.write(Uint8Array.of(F8));
      r.backend.feed(`${pad}:0:input`, [F8], r.clock.service.master.nextTickTimeMs ?? 0);
    }
    expect(r.clock.service.source).toBe('internal');
    expect(r.dinHuman).toEqual([]);
    expect(r.jumps).toEqual([]);
  });

  it('keeps leading on USB clock-outs without a UART: DIN logs one warning and retries', async () => {
    const r = await rig({ uart: false });
    expect(r.clock.din?.state).toBe('down');
    r.wakeup.advanceTo(10_000);
    await flush();
    expect(r.clock.service.source).toBe('internal');
    expect(r.synthF8s()).toBe(481);
    const warnings = r.log.lines.filter((l) => l.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.details).toMatchObject({ path: '/dev/ttyAMA0', reason: 'missing' });
    await r.clock.stop();
    expect(r.clock.din?.state).toBe('disposed');
    // Shutdown tells the clock-outs to stop, and no tick follows.
    expect(r.backend.drain(`${r.synth}:0:output`)).toEqual([Uint8Array.of(0xfc)]);
    r.wakeup.advanceTo(11_000);
    expect(r.synthF8s()).toBe(0);
  });

  it('with the real serialport opener and no such device, the box still starts and leads', async () => {
    const r = await rig({ serial: new NodeSerialPortOpener(), din: { device: '/dev/antiphon-no-such-uart' } });
    expect(r.clock.din?.state).toBe('down');
    expect(r.log.lines.find((l) => l.level === 'warn')?.details).toMatchObject({ reason: 'missing' });
    r.wakeup.advanceTo(100);
    expect(r.synthF8s()).toBe(5);
    await r.clock.stop();
  });

  it('with DIN disabled there is no port and no warning', async () => {
    const r = await rig({ din: { enabled: false } });
    expect(r.clock.din).toBeUndefined();
    expect(r.clock.sendToDin('clock-out', { type: 'clock' })).toBe(false);
    expect(r.log.lines.filter((l) => l.level === 'warn')).toEqual([]);
  });
});
