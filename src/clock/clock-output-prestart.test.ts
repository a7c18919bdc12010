import { closeSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ClockOutputThread } from './clock-output-thread.js';
import { PrestartedOutputThreads } from './clock-output-prestart.js';
import { hrtimeClock } from './time-source.js';

async function eventually(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const started: ClockOutputThread[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((t) => t.dispose()));
});

describe('PrestartedOutputThreads', () => {
  it('hands each thread over once, and the thread it hands over writes on time', async () => {
    const pool = new PrestartedOutputThreads(['din', 'usb']);
    const din = pool.take('din');
    expect(din).toBeInstanceOf(ClockOutputThread);
    if (!din) return;
    started.push(din);
    expect(pool.take('din')).toBeUndefined();
    expect(pool.waiting).toEqual(['usb']);
    await pool.releaseUnused();
    expect(pool.take('usb')).toBeUndefined();

    const file = join(mkdtempSync(join(tmpdir(), 'antiphon-prestart-')), 'out.bin');
    const fd = openSync(file, 'w');
    try {
      din.sendAt(fd, Uint8Array.of(0x99, 36, 100), hrtimeClock.nowMs() + 5, 0);
      await eventually(() => readFileSync(file).length === 3);
      expect([...readFileSync(file)]).toEqual([0x99, 36, 100]);
      expect(await din.stats()).toMatchObject({ sent: 1, early: 0, pending: 0 });
    } finally {
      closeSync(fd);
    }
  });

  it('ends the threads nobody took, even before they reached their loop', async () => {
    const pool = new PrestartedOutputThreads(['din', 'usb']);
    await pool.releaseUnused();
    expect(pool.waiting).toEqual([]);
  });

  it("tells a priority listener that comes after the thread's answer what the answer was", async () => {
    const pool = new PrestartedOutputThreads(['din'], { realtime: true });
    const thread = pool.take('din');
    if (!thread) throw new Error('no thread');
    started.push(thread);
    await thread.ready();
    const heard: boolean[] = [];
    thread.onPriority((ok) => heard.push(ok));
    // SCHED_FIFO may be refused here (no CAP_SYS_NICE); either way the answer is heard, once.
    expect(heard).toHaveLength(1);
  });
});
