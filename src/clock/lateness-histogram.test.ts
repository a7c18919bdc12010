import { describe, expect, it } from 'vitest';
import { latenessSummary } from './lateness-histogram.js';

describe('latenessSummary', () => {
  it('reads percentiles as bin upper edges and the max as the highest occupied bin', () => {
    const bins = new Int32Array(200);
    bins[5] = 98; // 0.05-0.06 ms
    bins[20] = 1;
    bins[99] = 1; // 0.99-1.00 ms: not yet 1 ms late
    expect(latenessSummary(bins, 0.01)).toEqual({
      count: 100,
      p50: 0.06,
      p99: expect.closeTo(0.21, 9) as number,
      max: 1,
      over1ms: 0,
    });
    bins[150] = 2;
    expect(latenessSummary(bins, 0.01)).toMatchObject({ count: 102, max: 1.51, over1ms: 2 });
  });

  it('says NaN when nothing was sent', () => {
    expect(latenessSummary(new Int32Array(10), 0.01)).toMatchObject({ count: 0, p50: NaN, max: NaN });
  });
});
