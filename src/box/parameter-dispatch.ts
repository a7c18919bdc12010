import type { ParameterCommand } from '../control/commands.js';
import { ParameterCommandError, type ParameterChange, type ParameterStore } from '../control/parameter-store.js';
import type { Logger } from '../system/log.js';
import type { BoxClock } from './box-clock.js';
import type { BusState } from './bus-state.js';

export interface ParameterDispatchOptions {
  readonly params: ParameterStore;
  readonly clock: BoxClock;
  readonly log: Pick<Logger, 'info'>;
  /** The engine, once the box has started. */
  readonly engine: () => { parameterChanged(change: ParameterChange): void } | undefined;
  /** Where the change is announced, and a bad command reported. */
  readonly bus: Pick<BusState, 'emit' | 'problem'>;
  readonly clockChanged: () => void;
}

/**
 * A parameter command (a knob, a CC, the page): checked and applied by the registry's store,
 * then handed to the clock (tempo) and the engine, and announced. A bad one is a warning on
 * the bus, never a throw.
 */
export function applyParameterCommand(command: ParameterCommand, o: ParameterDispatchOptions): void {
  let change: ParameterChange | undefined;
  try {
    change = o.params.apply(command);
  } catch (e) {
    if (!(e instanceof ParameterCommandError)) throw e;
    o.bus.problem('warning', 'command', e.message);
    return;
  }
  if (!change) return;
  if (change.param === 'tempo_bpm' && !o.clock.setTempo(Number(change.value)))
    o.log.info({ bpm: change.value }, 'tempo ignored: following an external clock');
  o.engine()?.parameterChanged(change);
  o.bus.emit({ kind: 'parameter', change, source: command.source });
  if (change.param === 'tempo_bpm') o.clockChanged();
}
