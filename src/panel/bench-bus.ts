import type { BoxBus, BoxEvent, BoxSnapshot } from '../box/bus-types.js';
import { idleSnapshot, reduceSnapshot } from '../box/box-state.js';
import { isParameterCommand, type BoxCommand } from '../control/commands.js';
import { ParameterCommandError, ParameterStore, type ParameterState } from '../control/parameter-store.js';

/**
 * A bus with the parameter registry and nothing else: what `antiphon panel` and the bench
 * drive the panel against, so a builder can check the wiring without models, MIDI or clock.
 * Commands change parameters as the box would; `emit` plays any other event to the LEDs.
 */
export class BenchBus implements BoxBus {
  readonly #store: ParameterStore;
  readonly #listeners = new Set<(e: BoxEvent) => void>();
  #state: BoxSnapshot;

  constructor(parameters: ParameterState, models: readonly string[], now: () => number) {
    this.#store = new ParameterStore(parameters, { models });
    this.#now = now;
    this.#state = idleSnapshot({
      parameters: this.#store.state,
      models,
      clock: { source: 'internal', mode: 'auto', tempo: Number(this.#store.get('tempo_bpm')), locked: false },
    });
  }

  readonly #now: () => number;

  dispatch(command: BoxCommand): void {
    this.emit({ kind: 'command', command });
    if (!isParameterCommand(command)) return;
    try {
      const change = this.#store.apply(command);
      if (change) this.emit({ kind: 'parameter', change, source: command.source });
    } catch (e) {
      if (!(e instanceof ParameterCommandError)) throw e;
      this.emit({
        kind: 'problem',
        problem: { level: 'warning', code: 'command', message: e.message, atMs: this.#now() },
      });
    }
  }

  snapshot(): BoxSnapshot {
    return this.#state;
  }

  subscribe(listener: (event: BoxEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  emit(e: BoxEvent): void {
    this.#state = reduceSnapshot(this.#state, e);
    for (const l of this.#listeners) l(e);
  }
}
