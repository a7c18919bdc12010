import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { Box } from '../../src/box/box.js';
import type { BoxParts } from '../../src/box/box-parts.js';
import { PrestartedOutputThreads } from '../../src/clock/clock-output-prestart.js';
import type { ClockOutputThread } from '../../src/clock/clock-output-thread.js';
import { virtualScheduler } from '../../src/clock/testing.js';
import { schedulerTimers } from '../../src/clock/timers.js';
import { SimulatedSerialBus } from '../../src/devices/serial/simulated-serial-port.js';
import { SimMidiBackend } from '../../src/devices/sim-backend.js';
import { SysfsUsbIdentityReader } from '../../src/devices/usb-identity.js';
import { resolveConfig } from '../../src/system/config.js';
import { loadVoiceModel } from '../../src/voices/voice-models.js';

const pools: PrestartedOutputThreads[] = [];
const boxThreads: ClockOutputThread[] = [];
afterEach(async () => {
  await Promise.all([
    ...pools.splice(0).map((p) => p.releaseUnused()),
    ...boxThreads.splice(0).map((t) => t.dispose()),
  ]);
});

/** The box's assembly (as `antiphon start` does it) with output threads, on simulated devices; never started. */
function assemble(din: Record<string, unknown>, adopt: BoxParts['adoptOutputThread']): Box {
  const { clock, scheduler } = virtualScheduler(1_000);
  const log = pino({ level: 'silent' });
  const { config } = resolveConfig(
    { data: { dir: mkdtempSync(join(tmpdir(), 'antiphon-adopt-')) }, din: { device: '/dev/sim-din', ...din } },
    'adopt.toml',
  );
  const box = new Box({
    hardware: {
      backend: new SimMidiBackend(() => clock.nowMs()),
      hotplug: { kind: 'simulator', onChange: () => undefined, dispose: () => undefined },
      serial: new SimulatedSerialBus(clock),
      usb: new SysfsUsbIdentityReader('/nonexistent', '/nonexistent'),
      now: () => clock.nowMs(),
      timers: schedulerTimers(scheduler),
      missing: [],
    },
    scheduler,
    config,
    log,
    seed: 1,
    outputThreads: 'realtime',
    ...(adopt ? { adoptOutputThread: adopt } : {}),
    loadModel: (name, seed, placeholder) => loadVoiceModel(name, log, seed, 'inline', placeholder),
    inputToSchedulerMs: (t) => t,
  });
  boxThreads.push(...box.outputThreads.map((t) => t.thread));
  return box;
}

describe('the box and output threads started before it', () => {
  it('takes the DIN thread started early instead of starting its own', () => {
    const pool = new PrestartedOutputThreads(['din', 'usb']);
    pools.push(pool);
    const handed: (ClockOutputThread | undefined)[] = [];
    const box = assemble({}, (name) => {
      const thread = pool.take(name);
      handed.push(thread);
      return thread;
    });
    expect(box.outputThreads.map((t) => t.name)).toEqual(['din']);
    expect(handed).toHaveLength(1);
    expect(box.outputThreads[0]?.thread).toBe(handed[0]);
    // No ALSA on the simulator: the USB thread is left for the CLI to release.
    expect(pool.waiting).toEqual(['usb']);
  });

  it('takes nothing when DIN is off and the backend is not ALSA; the CLI releases what was started', async () => {
    const pool = new PrestartedOutputThreads(['din', 'usb']);
    const box = assemble({ enabled: false }, (name) => pool.take(name));
    expect(box.outputThreads).toEqual([]);
    expect(pool.waiting).toEqual(['din', 'usb']);
    await pool.releaseUnused();
    expect(pool.waiting).toEqual([]);
  });

  it('starts its own thread when none was started early', () => {
    const box = assemble({}, () => undefined);
    expect(box.outputThreads.map((t) => t.name)).toEqual(['din']);
    expect(box.outputThreads[0]?.thread).toBeDefined();
  });
});
