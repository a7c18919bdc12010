import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { schedulerTimers } from '../clock/timers.js';
import { RecordingNotifier } from '../system/notify/recording-notifier.js';
import { startSimBox, type SimBox } from '../../test/support/sim-box.js';
import { serveSystemd } from './systemd-service.js';

describe('serveSystemd', () => {
  let sim: SimBox | undefined;
  afterEach(async () => {
    await sim?.box.stop();
    sim = undefined;
  });

  it('stops petting while a probe fails and says why in STATUS=, first, until it passes again', async () => {
    sim = await startSimBox();
    const notifier = new RecordingNotifier(1_000);
    let modelWorker: string | undefined;
    const probe = { name: 'model-worker', failure: () => modelWorker };
    const service = serveSystemd(sim.box, pino({ level: 'silent' }), [probe], {
      notifier,
      timers: schedulerTimers(sim.scheduler),
      clock: sim.clock,
    });
    await service.ready();
    await sim.run(2_000);
    const pets = notifier.count('WATCHDOG=1');
    expect(pets).toBeGreaterThanOrEqual(2);
    const healthyStatus = notifier.statuses.at(-1) ?? '';
    expect(healthyStatus).toMatch(/^DEMO \(no pad\), leading at 120\.0 BPM$/);
    modelWorker = 'model worker not answering for 31 s (again, straight after its restart)';
    await sim.run(3_000);
    expect(notifier.count('WATCHDOG=1')).toBe(pets);
    expect(notifier.statuses.at(-1)).toBe(
      'unhealthy (watchdog not petted): model-worker: model worker not answering for 31 s (again, straight after its restart); ' +
        healthyStatus,
    );
    modelWorker = undefined;
    await sim.run(1_500);
    expect(notifier.count('WATCHDOG=1')).toBeGreaterThan(pets);
    expect(notifier.statuses.at(-1)).toBe(healthyStatus);
    service.dispose();
  }, 30_000);
});
