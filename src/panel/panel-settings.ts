import { reportProblem, type SurfaceContext } from '../box/surface.js';
import type { TimerHandle } from '../clock/timers.js';
import type { CcTarget } from '../control/cc-map.js';
import { checkValue } from '../control/parameter-math.js';
import { parameterNamed, type ParameterValue } from '../control/parameters.js';
import { readSettings, targetKey, writeSettingsAtomic } from './settings-store.js';

/** Changes are saved this long after the last one: a knob sweep is one write, not a hundred. */
const SAVE_DELAY_MS = 2000;

/**
 * Keeps panel-settings.json in step with the box: restores learned CCs and the parameter
 * values changed at run time (as `set` commands with source 'settings'), saves after changes
 * and at stop. Values never touched at run time are not saved, so antiphon.toml stays in charge
 * of them.
 * A corrupt file is reported on the bus (code 'settings') and the box starts from its config.
 */
export class PanelSettingsKeeper {
  readonly #learned = new Map<number, CcTarget>();
  /** Parameters changed while running (`param` or `param@voice`): only these are saved, so an edit to antiphon.toml still counts for the rest. */
  readonly #touched = new Set<string>();
  #timer: TimerHandle | undefined;
  #writing: Promise<void> = Promise.resolve();
  #dirty = false;
  /** Saves written, for tests and the log. */
  saves = 0;

  constructor(
    readonly file: string,
    private readonly ctx: SurfaceContext,
  ) {}

  async restore(): Promise<void> {
    const { ctx } = this;
    const read = await readSettings(this.file);
    if (read.kind === 'missing') return;
    if (read.kind === 'corrupt') {
      const message = `panel settings not restored, starting from the config: ${read.error}`;
      reportProblem(ctx, 'error', 'settings', message);
      return;
    }
    for (const { controller, target } of read.settings.learned) {
      ctx.learnCc(controller, target);
      this.#learned.set(controller, target);
    }
    const snap = ctx.bus.snapshot();
    const models = { models: snap.models };
    const restore = (param: string, value: ParameterValue, voice?: string): void => {
      const p = parameterNamed(param);
      if (!p) return void ctx.log.info({ param }, 'settings: parameter no longer exists; skipped');
      if (!checkValue(p, value, models).ok)
        return void ctx.log.info(
          { param, voice, value },
          'settings: value no longer valid (a model removed?); skipped',
        );
      this.#touched.add(voice === undefined ? param : `${param}@${voice}`);
      ctx.bus.dispatch({ kind: 'set', param, ...(voice === undefined ? {} : { voice }), value, source: 'settings' });
    };
    for (const [param, value] of Object.entries(read.settings.parameters.global))
      if (snap.parameters.global[param] !== value) restore(param, value);
    for (const v of read.settings.parameters.voices) {
      const now = snap.parameters.voices.find((x) => x.name === v.name);
      if (!now) continue; // a voice the config no longer has
      for (const [param, value] of Object.entries(v.values))
        if (now.values[param] !== value) restore(param, value, v.name);
    }
    ctx.log.info(
      { file: this.file, learned: read.settings.learned.map((l) => `${l.controller}->${targetKey(l.target)}`) },
      'panel settings restored',
    );
  }

  /** A parameter changed at run time (panel, CC, page, Push 2): saved from now on. */
  changed(change?: { readonly param: string; readonly voice?: string | undefined }): void {
    if (change) this.#touched.add(change.voice === undefined ? change.param : `${change.param}@${change.voice}`);
    this.#dirty = true;
    this.#timer?.cancel();
    this.#timer = this.ctx.timers.after(SAVE_DELAY_MS, () => void this.#save());
  }

  learned(controller: number, target: CcTarget): void {
    this.#learned.set(controller, target);
    this.changed();
  }

  /** Writes now if anything changed (at stop), and waits for any write in flight. */
  async flush(): Promise<void> {
    this.#timer?.cancel();
    if (this.#dirty) await this.#save();
    await this.#writing;
  }

  #save(): Promise<void> {
    this.#dirty = false;
    const now = this.ctx.bus.snapshot().parameters;
    const touched = this.#touched;
    const pick = (values: Readonly<Record<string, ParameterValue>>, voice?: string): Record<string, ParameterValue> =>
      Object.fromEntries(
        Object.entries(values).filter(([p]) => touched.has(voice === undefined ? p : `${p}@${voice}`)),
      );
    const parameters = {
      global: pick(now.global),
      voices: now.voices
        .map((v) => ({ name: v.name, values: pick(v.values, v.name) }))
        .filter((v) => Object.keys(v.values).length > 0),
    };
    const settings = {
      learned: [...this.#learned].map(([controller, target]) => ({ controller, target })),
      parameters,
    };
    this.#writing = this.#writing
      .then(() => writeSettingsAtomic(this.file, settings))
      .then(() => void this.saves++)
      .catch((e: unknown) => {
        const message = `panel settings could not be saved to ${this.file}: ${(e as Error).message}`;
        reportProblem(this.ctx, 'warning', 'settings', message);
      });
    return this.#writing;
  }
}
