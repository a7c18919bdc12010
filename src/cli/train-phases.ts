import { join } from 'node:path';
import { loadTrainState } from '../train/train-state.js';
import { trainCommand } from './train-command.js';

/** One stage of a staged run: its epoch cap and the options that differ from the others. */
export interface TrainPhase {
  readonly epochs: number;
  readonly args: readonly string[];
}

/**
 * Runs `antiphon train` through `phases` in one --out folder (`common` holds --out and every
 * shared option). A phase the run has already passed is skipped, so after an interruption the
 * same call goes on where it stopped. The next phase starts only when the last one finished
 * (its cap, or patience); a phase cut short by --max-minutes ends the call, and --finish ends
 * the run in whatever phase it is in.
 */
export async function runTrainPhases(
  out: string,
  common: readonly string[],
  phases: readonly TrainPhase[],
  extra: readonly string[],
  write?: (s: string) => void,
): Promise<number> {
  for (const phase of phases) {
    if ((await epochsTrained(out)) >= phase.epochs) continue;
    const code = await trainCommand([...common, '--epochs', String(phase.epochs), ...phase.args, ...extra], write);
    if (code !== 0 || extra.includes('--finish')) return code;
    const state = await loadTrainState(join(out, 'train-state'));
    if (state?.progress.finished !== true) return 0;
  }
  return 0;
}

async function epochsTrained(out: string): Promise<number> {
  const state = await loadTrainState(join(out, 'train-state'));
  return state?.progress.history.at(-1)?.epoch ?? 0;
}
