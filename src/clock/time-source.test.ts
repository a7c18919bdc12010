import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { hrtimeClock } from './time-source.js';

describe('hrtimeClock', () => {
  it('reads CLOCK_MONOTONIC to within tens of microseconds', () => {
    let worst = 0;
    for (let i = 0; i < 100; i++) {
      const before = Number(process.hrtime.bigint()) / 1e6;
      const now = hrtimeClock.nowMs();
      const after = Number(process.hrtime.bigint()) / 1e6;
      worst = Math.max(worst, before - now, now - after);
    }
    expect(worst).toBeLessThan(0.05);
  });

  it('is right in a fresh thread too, where one naive offset read was 0.5-0.9 ms off', async () => {
    // The clock output thread measures its offset with this same function, in its own thread.
    const api = import.meta.resolve('tsx/esm/api');
    const timeSource = new URL('./time-source.ts', import.meta.url).href;
    const code = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(timeSource)}); }).then(({ measurePerformanceOffsetMs }) => {
      const offset = measurePerformanceOffsetMs();
      const before = Number(process.hrtime.bigint()) / 1e6;
      const now = performance.now() + offset;
      const after = Number(process.hrtime.bigint()) / 1e6;
      require('node:worker_threads').parentPort.postMessage(Math.max(before - now, now - after));
    });`;
    const error = await new Promise<number>((resolve, reject) =>
      new Worker(code, { eval: true }).once('message', resolve).once('error', reject),
    );
    expect(error).toBeLessThan(0.05);
  });
});
