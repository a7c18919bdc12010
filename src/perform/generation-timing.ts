/**
 * How long each model takes per step, learned from its generations: how far ahead of its bar
 * line a generation must start. Pure.
 */
export class GenerationTiming {
  readonly #msPerStep = new Map<string, number>();

  /** Estimated time for `totalSteps` (fed + generated) with a 25% margin, plus `safetyMs`. */
  leadMs(model: string, totalSteps: number, initialMsPerStep: number, safetyMs: number): number {
    return (this.#msPerStep.get(model) ?? initialMsPerStep) * totalSteps * 1.25 + safetyMs;
  }

  measure(model: string, totalSteps: number, elapsedMs: number): void {
    if (totalSteps <= 0 || !(elapsedMs >= 0)) return;
    const sample = elapsedMs / totalSteps;
    const old = this.#msPerStep.get(model);
    // Moves up fast and down slowly: a slow outlier should widen the lead at once.
    this.#msPerStep.set(model, old === undefined ? sample : sample > old ? sample : old * 0.8 + sample * 0.2);
  }
}
