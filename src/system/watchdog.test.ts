import { describe, expect, it } from 'vitest';
import { WatchdogHealth } from './watchdog.js';

function recordingLog() {
  const lines: { level: 'warn' | 'info'; fields: object }[] = [];
  return {
    lines,
    warn: (fields: object) => lines.push({ level: 'warn', fields }),
    info: (fields: object) => lines.push({ level: 'info', fields }),
  };
}

function health(log = recordingLog()) {
  return new WatchdogHealth({
    maxLoopDelayMs: 1000,
    threads: [
      { name: 'clock-thread', maxAnswerMs: 2000 },
      { name: 'model-worker:A', maxAnswerMs: 8000 },
    ],
    log,
  });
}

describe('WatchdogHealth', () => {
  it('passes at first and pings every thread', () => {
    expect(health().evaluate(0, 30)).toEqual({ healthy: true, ping: ['clock-thread', 'model-worker:A'], failures: [] });
  });

  it('pings a thread again only after it answered', () => {
    const h = health();
    h.evaluate(0, 0);
    h.answered('clock-thread');
    expect(h.evaluate(1000, 0)).toEqual({ healthy: true, ping: ['clock-thread'], failures: [] });
  });

  it('fails on a stalled event loop, naming the delay', () => {
    const h = health();
    const verdict = h.evaluate(0, 1500);
    expect(verdict.healthy).toBe(false);
    expect(verdict.failures).toEqual([{ check: 'event-loop', detail: 'delayed 1500 ms (limit 1000 ms)' }]);
  });

  it('fails a thread whose ping stays unanswered past its limit, and only that thread', () => {
    const h = health();
    h.evaluate(0, 0);
    h.answered('model-worker:A');
    expect(h.evaluate(2000, 0).healthy).toBe(true); // exactly at the limit still passes
    const verdict = h.evaluate(2500, 0);
    expect(verdict.healthy).toBe(false);
    expect(verdict.failures).toEqual([
      { check: 'clock-thread', detail: 'no answer to a ping for 2500 ms (limit 2000 ms)' },
    ]);
  });

  it('gives a busy model worker its own, longer limit', () => {
    const h = health();
    h.evaluate(0, 0);
    h.answered('clock-thread');
    expect(h.evaluate(5000, 0).healthy).toBe(true);
    h.answered('clock-thread');
    expect(h.evaluate(9000, 0).failures.map((f) => f.check)).toEqual(['model-worker:A']);
  });

  it('logs a failing check once, and again when it passes', () => {
    const log = recordingLog();
    const h = health(log);
    h.evaluate(0, 0);
    h.answered('model-worker:A');
    h.evaluate(3000, 0);
    h.evaluate(5000, 0);
    h.evaluate(7000, 2000);
    h.answered('clock-thread');
    h.evaluate(8000, 0);
    expect(log.lines).toEqual([
      { level: 'warn', fields: { check: 'clock-thread', detail: 'no answer to a ping for 3000 ms (limit 2000 ms)' } },
      { level: 'warn', fields: { check: 'event-loop', detail: 'delayed 2000 ms (limit 1000 ms)' } },
      { level: 'info', fields: { check: 'event-loop' } },
      { level: 'info', fields: { check: 'clock-thread' } },
    ]);
  });

  it('refuses an unknown or duplicated thread name', () => {
    expect(() => health().answered('clock')).toThrow('no thread check named "clock"');
    const log = recordingLog();
    const twice = [
      { name: 'x', maxAnswerMs: 1 },
      { name: 'x', maxAnswerMs: 2 },
    ];
    expect(() => new WatchdogHealth({ maxLoopDelayMs: 1, threads: twice, log })).toThrow('"x" is listed twice');
  });
});
