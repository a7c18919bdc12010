import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { raiseThreadToRealtime } from './realtime-thread.js';

const policyOf = (tid: number | 'thread-self'): string | undefined => {
  const path = tid === 'thread-self' ? '/proc/thread-self/sched' : `/proc/self/task/${tid}/sched`;
  return /policy\s*:\s*(\d+)/.exec(readFileSync(path, 'utf8'))?.[1];
};

describe('raiseThreadToRealtime', () => {
  let raised: number | undefined;
  afterEach(() => {
    if (raised !== undefined) spawnSync('chrt', ['-o', '-p', '0', String(raised)]);
  });

  it('puts the calling thread, and only it, on SCHED_FIFO, or says why it cannot', () => {
    const result = raiseThreadToRealtime(5);
    if (!result.ok) {
      expect(result.reason).toMatch(/chrt|proc/);
      return;
    }
    raised = result.tid;
    expect(policyOf('thread-self')).toBe('1');
    const others = readdirSync('/proc/self/task')
      .map(Number)
      .filter((tid) => tid !== result.tid);
    expect(others.length).toBeGreaterThan(0);
    for (const tid of others) expect(policyOf(tid)).toBe('0');
  });
});
