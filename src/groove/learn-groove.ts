import type { DrumWindow } from '../data/drum-windows.js';
import { DRUM_CLASS_COUNT } from '../model/encoding/drum-pitch-maps.js';
import type { GrooveCell, GrooveTable } from './groove-table.js';

const STEPS_PER_BAR = 16;

/** Running mean/variance (Welford) for one cell. */
class Moments {
  count = 0;
  private vMean = 0;
  private vM2 = 0;
  private oMean = 0;
  private oM2 = 0;
  add(velocity: number, offset: number): void {
    this.count++;
    const dv = velocity - this.vMean;
    this.vMean += dv / this.count;
    this.vM2 += dv * (velocity - this.vMean);
    const dof = offset - this.oMean;
    this.oMean += dof / this.count;
    this.oM2 += dof * (offset - this.oMean);
  }
  cell(): GrooveCell {
    const sd = (m2: number): number => (this.count > 1 ? Math.sqrt(m2 / (this.count - 1)) : 0);
    return {
      count: this.count,
      velocityMean: round(this.count > 0 ? this.vMean : 90),
      velocityStd: round(sd(this.vM2)),
      offsetMean: round(this.oMean),
      offsetStd: round(sd(this.oM2)),
    };
  }
}

function round(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}

/** Learns the groove table from windows' hits (windows start on bar lines). */
export function learnGroove(windows: readonly DrumWindow[], minCount = 20): GrooveTable {
  const cells = Array.from({ length: DRUM_CLASS_COUNT }, () =>
    Array.from({ length: STEPS_PER_BAR }, () => new Moments()),
  );
  const fallback = Array.from({ length: DRUM_CLASS_COUNT }, () => new Moments());
  for (const w of windows) {
    for (const hit of w.hits) {
      const position = hit.step % STEPS_PER_BAR;
      cells[hit.drumClass]?.[position]?.add(hit.velocity, hit.offsetSteps);
      fallback[hit.drumClass]?.add(hit.velocity, hit.offsetSteps);
    }
  }
  return {
    version: 1,
    stepsPerBar: STEPS_PER_BAR,
    cells: cells.map((row) => row.map((m) => m.cell())),
    classFallback: fallback.map((m) => m.cell()),
    minCount,
  };
}
