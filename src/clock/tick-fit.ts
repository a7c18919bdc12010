/**
 * Least-squares line through the last `window` (tick index, arrival time) pairs: the slope
 * is the tick period, the line's value at the newest index is the de-jittered phase. Every
 * point weighs the same, so ±1 ms of jitter averages out as 1/N^1.5 on the period, and a
 * missing tick is only a missing point (indices are inferred from the gap), not an error.
 * Pure and allocation-free per tick: ring buffers of fixed size.
 */
/** Largest RMS residual (ms) for which a curved fit is taken as a tempo ramp. */
const MAX_RAMP_RESIDUAL_MS = 1.5;

export class TickFit {
  private readonly index: Float64Array;
  private readonly time: Float64Array;
  private head = 0;
  private count = 0;

  constructor(readonly window: number) {
    this.index = new Float64Array(window);
    this.time = new Float64Array(window);
  }

  get size(): number {
    return this.count;
  }

  add(index: number, timeMs: number): void {
    this.index[this.head] = index;
    this.time[this.head] = timeMs;
    this.head = (this.head + 1) % this.window;
    this.count = Math.min(this.count + 1, this.window);
  }

  clear(): void {
    this.count = 0;
    this.head = 0;
  }

  /**
   * Period (ms per tick) and fitted time at `atIndex`, or undefined with < 2 points.
   * A straight line unless the window shows significant curvature (a tempo ramp, |c| over
   * `curvatureSigmas` standard errors; 3 let jitter fake a ramp now and then): then the quadratic's slope at `atIndex`, which
   * follows the ramp instead of lagging half a window behind it.
   */
  solve(atIndex: number, curvatureSigmas = 4): { periodMs: number; timeMs: number; rmsResidualMs: number } | undefined {
    const n = this.count;
    if (n < 2) return undefined;
    // Centre both axes first: arrival times are ~1e9 ms, and squaring those loses the microseconds.
    const ref = this.newest();
    let sx = 0;
    let sy = 0;
    for (let k = 0; k < n; k++) {
      sx += (this.index[k] ?? 0) - ref.index;
      sy += (this.time[k] ?? 0) - ref.time;
    }
    const mx = sx / n;
    const my = sy / n;
    const x = (k: number): number => (this.index[k] ?? 0) - ref.index - mx;
    const y = (k: number): number => (this.time[k] ?? 0) - ref.time - my;
    let sxx = 0;
    let sxy = 0;
    let sx2 = 0;
    let sx3 = 0;
    for (let k = 0; k < n; k++) {
      const xi = x(k);
      sxx += xi * xi;
      sxy += xi * y(k);
      sx2 += xi * xi;
      sx3 += xi * xi * xi;
    }
    if (sxx === 0) return undefined;
    const slope = sxy / sxx;
    // z: x^2 made orthogonal to 1 and x, so its coefficient leaves the line's untouched.
    const m2 = sx2 / n;
    const g = sx3 / sxx;
    const z = (xi: number): number => xi * xi - m2 - g * xi;
    let szz = 0;
    let szy = 0;
    for (let k = 0; k < n; k++) {
      const zi = z(x(k));
      szz += zi * zi;
      szy += zi * y(k);
    }
    const curve = n >= 8 && szz > 0 ? szy / szz : 0;
    let sseLine = 0;
    let sseQuad = 0;
    for (let k = 0; k < n; k++) {
      const xi = x(k);
      const line = y(k) - slope * xi;
      sseLine += line * line;
      sseQuad += (line - curve * z(xi)) ** 2;
    }
    const xe = atIndex - ref.index - mx;
    const curveSe = n > 3 && szz > 0 ? Math.sqrt(sseQuad / (n - 3) / szz) : Infinity;
    // Curvature explains a ramp only if what is left over looks like jitter; a stall or a
    // burst also bends the fit, and extrapolating that bend would be wild.
    const quadRms = Math.sqrt(sseQuad / n);
    if (curve !== 0 && Math.abs(curve) > curvatureSigmas * curveSe && quadRms <= MAX_RAMP_RESIDUAL_MS) {
      return {
        periodMs: slope + curve * (2 * xe - g),
        timeMs: ref.time + my + slope * xe + curve * z(xe),
        rmsResidualMs: Math.sqrt(sseQuad / n),
      };
    }
    return { periodMs: slope, timeMs: ref.time + my + slope * xe, rmsResidualMs: Math.sqrt(sseLine / n) };
  }

  private newest(): { index: number; time: number } {
    const at = (this.head - 1 + this.window) % this.window;
    return { index: this.index[at] ?? 0, time: this.time[at] ?? 0 };
  }
}
