import { describe, expect, it } from 'vitest';
import { nodeTimers } from '../clock/timers.js';
import { WorkerGenerator } from './generator-worker-client.js';
import { GeneratorWorkerHost } from './generator-worker-host.js';
import { superviseGeneratorWorker } from './generator-worker-supervisor.js';

// A real worker thread made to hang for real (it busy-loops), watched on real timers with short
// limits: still long enough for a worker to start and load its model on a loaded CI machine (at
// 1 s a restarted worker that took longer to load at load 13 was restarted a second time).
const limits = { pingAnswerMs: 3_000, busyAnswerMs: 6_000, maxRestarts: 3, restartWindowMs: 600_000 };
const primer = Uint16Array.from({ length: 32 }, (_, i) => (i % 4 === 0 ? 1 : i % 2 === 0 ? 4 : 0));
const request = { primer, steps: 16, temperature: 0.9, beamSize: 1, seed: 11 };

function supervised() {
  const host = new GeneratorWorkerHost();
  const reports: string[] = [];
  const logged: string[] = [];
  const log = {
    warn: (_: object, msg: string) => logged.push(msg),
    error: (_: object, msg: string) => logged.push(msg),
  };
  const supervisor = superviseGeneratorWorker({
    host: () => host,
    timers: nodeTimers,
    log,
    report: (level, message) => reports.push(`${level}: ${message}`),
    limits,
    checkEveryMs: 100,
  });
  return { host, reports, logged, supervisor };
}

const until = async (what: () => boolean, ms = 20_000): Promise<void> => {
  const end = Date.now() + ms;
  while (!what()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('model worker supervision (a real worker thread that hangs)', () => {
  it('fails the request held up by a hung worker, restarts it with its models, and plays on', async () => {
    const { host, reports, supervisor } = supervised();
    let warmed = 0;
    const a = await WorkerGenerator.start('a', { kind: 'placeholder', seed: 4 }, () => warmed++, host);
    try {
      await until(() => warmed === 1);
      const before = await a.generate(request);
      const hungWorker = host.worker;
      const hungThreadEnded = new Promise((resolve) => hungWorker.once('exit', resolve));
      host.injectHang(Infinity);
      const started = Date.now();
      await expect(a.generate(request)).rejects.toThrow(
        /^model 'a' worker: model worker not answering for \d+ s; restarted it$/,
      );
      // Busy: the request may wait up to the busy limit (6 s), not just the ping's 3 s.
      expect(Date.now() - started).toBeGreaterThanOrEqual(6_000);
      expect(host.worker).not.toBe(hungWorker);
      expect(reports).toEqual([expect.stringMatching(/^warning: model worker not answering for \d+ s; restarted it/)]);
      await until(() => warmed === 2); // its model loaded again in the new worker
      const after = await a.generate(request);
      expect([...after.events]).toEqual([...before.events]);
      expect(supervisor.failure()).toBeUndefined();
      // The hung thread was ended (terminated: exit code 1), not left spinning on a core.
      expect(await hungThreadEnded).toBe(1);
    } finally {
      supervisor.stop();
      a.dispose();
    }
  }, 60_000);

  it('escalates, restarting no more, when the restarted worker hangs before it ever answers', async () => {
    const { host, reports, logged, supervisor } = supervised();
    const a = await WorkerGenerator.start('a', { kind: 'placeholder', seed: 4 }, undefined, host);
    try {
      host.injectHang(Infinity); // idle: only the ping goes unanswered
      await until(() => reports.length === 1);
      expect(reports[0]).toMatch(/^warning: model worker not answering for \d+ s; restarted it/);
      host.injectHang(Infinity); // the new worker hangs too, before its first pong
      await until(() => supervisor.failure() !== undefined);
      expect(supervisor.failure()).toMatch(
        /^model worker not answering for \d+ s \(again, straight after its restart\)$/,
      );
      expect(reports[1]).toBe(`error: ${supervisor.failure() ?? ''}`);
      expect(logged).toContain('model worker beyond restarting: the systemd watchdog stops petting');
      const escalatedWorker = host.worker;
      await new Promise((r) => setTimeout(r, 500));
      expect(host.worker).toBe(escalatedWorker);
      expect(reports).toHaveLength(2);
    } finally {
      supervisor.stop();
      a.dispose();
    }
  }, 60_000);
});
