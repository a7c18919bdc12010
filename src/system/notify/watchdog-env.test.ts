import { describe, expect, it } from 'vitest';
import { watchdogFromEnv } from './watchdog-env.js';

describe('watchdogFromEnv', () => {
  it('pings at half the timeout systemd gives', () => {
    expect(watchdogFromEnv({ WATCHDOG_USEC: '10000000' }, 42)).toEqual({
      kind: 'on',
      timeoutMs: 10_000,
      intervalMs: 5000,
    });
    expect(watchdogFromEnv({ WATCHDOG_USEC: '10000000', WATCHDOG_PID: '42' }, 42)).toMatchObject({ kind: 'on' });
  });

  it('is off without WATCHDOG_USEC, or when the settings are for another process', () => {
    expect(watchdogFromEnv({}, 42)).toEqual({ kind: 'off' });
    expect(watchdogFromEnv({ WATCHDOG_USEC: '10000000', WATCHDOG_PID: '7' }, 42)).toEqual({ kind: 'off' });
  });

  it('names a malformed value', () => {
    expect(watchdogFromEnv({ WATCHDOG_USEC: '10s' }, 42)).toEqual({
      kind: 'invalid',
      reason: 'WATCHDOG_USEC=10s is not a whole number of microseconds',
    });
    expect(watchdogFromEnv({ WATCHDOG_USEC: '0' }, 42)).toMatchObject({
      kind: 'invalid',
      reason: 'WATCHDOG_USEC=0 is out of range',
    });
    expect(watchdogFromEnv({ WATCHDOG_USEC: '5', WATCHDOG_PID: 'me' }, 42)).toMatchObject({
      kind: 'invalid',
      reason: 'WATCHDOG_PID=me is not a process id',
    });
  });
});
