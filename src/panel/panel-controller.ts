import type { BoxSnapshot } from '../box/bus-types.js';
import type { CcTarget } from '../control/cc-map.js';
import type { BoxCommand, ParameterAddress } from '../control/commands.js';
import { choicesOf, positionOf } from '../control/parameter-math.js';
import { parameterNamed, type ParameterValue } from '../control/parameters.js';
import type { Logger } from '../system/log.js';
import { ButtonGestures, type Gesture } from './button-gestures.js';
import { EncoderAcceleration } from './encoder-acceleration.js';
import type { PanelConfig } from './panel-config.js';
import type { ButtonAction } from './panel-schema.js';
import { SoftTakeover } from './pot-filter.js';

export interface ControllerDeps {
  dispatch(command: BoxCommand): void;
  snapshot(): BoxSnapshot;
  log: Logger;
  /** A CC was learned for a target (the surface tells the box and saves it). */
  learned(controller: number, target: CcTarget): void;
  learningChanged(on: boolean): void;
}

interface Layered {
  readonly id: string;
  readonly param: string;
  readonly voice?: string | undefined;
  readonly shift_param?: string | undefined;
  readonly shift_voice?: string | undefined;
}

/** Which buttons have a double-press, so the others answer at release with no wait. */
const DOUBLE: ReadonlySet<ButtonAction> = new Set(['mutate']);

/**
 * What the panel's controls mean, on the box's clock: encoders nudge (accelerated), their
 * pushes reset to the default, pots set positions with soft takeover, buttons act on press,
 * long-press and double-press, shift gives every knob its second parameter, and learn maps
 * the last CC moved to the next control touched. Pure apart from the injected deps; the
 * surface feeds decoded inputs and calls `due` at `nextDeadline`.
 */
export class PanelController {
  readonly #config: PanelConfig;
  readonly #deps: ControllerDeps;
  readonly #accel = new Map<string, EncoderAcceleration>();
  readonly #takeover = new Map<string, SoftTakeover>();
  readonly #potPositions = new Map<string, number>();
  readonly #gestures = new Map<string, ButtonGestures>();
  readonly #warned = new Set<string>();
  #shift = false;
  #learning = false;
  #learnCc: number | undefined;
  /** The last thing a control did, for `antiphon panel`. */
  lastAction = '';

  constructor(config: PanelConfig, deps: ControllerDeps) {
    this.#config = config;
    this.#deps = deps;
    const settings = { longMs: config.long_press_ms, doubleMs: config.double_press_ms };
    for (const e of config.encoders) {
      this.#accel.set(e.id, new EncoderAcceleration());
      if (e.push_code !== undefined || e.push !== undefined)
        this.#gestures.set(`${e.id}.push`, new ButtonGestures(false, settings));
    }
    for (const p of config.pots) this.#takeover.set(p.id, new SoftTakeover());
    for (const b of config.buttons) this.#gestures.set(b.id, new ButtonGestures(DOUBLE.has(b.action), settings));
  }

  get shift(): boolean {
    return this.#shift;
  }

  get learning(): boolean {
    return this.#learning;
  }

  /** The CC captured while learning, waiting for a control. */
  get learnCc(): number | undefined {
    return this.#learnCc;
  }

  /** The pots' ADC stopped answering: once it is back, every pot must pick its parameter up again. */
  potsLost(): void {
    for (const t of this.#takeover.values()) t.forget();
  }

  /** Whether each pot drives its parameter now (soft takeover). */
  potEngaged(id: string): boolean {
    return this.#takeover.get(id)?.engaged ?? false;
  }

  /** The parameter address a knob drives now (shift layer included). */
  targetOf(c: Layered): ParameterAddress {
    const shifted = this.#shift && c.shift_param !== undefined;
    const param = shifted ? (c.shift_param ?? c.param) : c.param;
    const voice = shifted ? c.shift_voice : c.voice;
    return { param, ...(voice === undefined ? {} : { voice }) };
  }

  encoder(id: string, detents: number, atMs: number): void {
    const e = this.#config.encoders.find((x) => x.id === id);
    if (!e || detents === 0) return;
    const target = this.targetOf(e);
    if (this.#learnTouch({ kind: 'parameter', ...target })) return;
    if (!this.#voiceExists(e.id, target)) return;
    const steps = this.#accel.get(id)?.steps(detents, atMs) ?? detents;
    this.#send({ kind: 'nudge', ...target, steps, source: 'panel' });
  }

  pot(id: string, position: number): void {
    const p = this.#config.pots.find((x) => x.id === id);
    if (!p) return;
    this.#potPositions.set(id, position);
    const target = this.targetOf(p);
    if (this.#learnTouch({ kind: 'parameter', ...target })) return;
    if (!this.#voiceExists(p.id, target)) return;
    const param = parameterNamed(target.param);
    const current = this.#valueOf(target);
    if (!param || current === undefined) return;
    const where = positionOf(param, current, { models: this.#deps.snapshot().models });
    if (!this.#takeover.get(id)?.moved(position, where)) return;
    this.#send({ kind: 'position', ...target, position, source: 'panel' });
  }

  /** A parameter changed: a pot that did not change it must pick it up again (soft takeover). */
  parameterChanged(change: { param: string; voice?: string | undefined }, source: string): void {
    for (const p of this.#config.pots) {
      const t = this.targetOf(p);
      const voiceMatches = t.voice === undefined || change.voice === undefined || t.voice === change.voice;
      if (t.param === change.param && voiceMatches && source !== 'panel') this.#takeover.get(p.id)?.release();
    }
  }

  /** A key edge: a button's id, or `<encoder>.push`. */
  button(id: string, pressed: boolean, atMs: number): void {
    const g = this.#gestures.get(id);
    if (!g) return;
    for (const gesture of g.edge(pressed, atMs)) this.#gesture(id, gesture);
  }

  /** A key's state was lost (SYN_DROPPED, its device gone): released, with no action fired. */
  buttonLost(id: string): void {
    for (const gesture of this.#gestures.get(id)?.lost() ?? []) this.#gesture(id, gesture);
  }

  due(nowMs: number): void {
    for (const [id, g] of this.#gestures) for (const gesture of g.due(nowMs)) this.#gesture(id, gesture);
  }

  nextDeadline(): number | undefined {
    let next: number | undefined;
    for (const g of this.#gestures.values()) {
      const d = g.nextDeadline();
      if (d !== undefined && (next === undefined || d < next)) next = d;
    }
    return next;
  }

  /** A CC from any device: while learning, the one to map. */
  ccSeen(controller: number): void {
    if (this.#learning) this.#learnCc = controller;
  }

  /** A parameter chosen elsewhere (the page, Push 2) while learning: the CC maps to it. */
  parameterChosen(address: ParameterAddress): void {
    if (this.#learning) this.#learnTouch({ kind: 'parameter', ...address });
  }

  #gesture(id: string, gesture: Gesture): void {
    if (id.endsWith('.push')) {
      const e = this.#config.encoders.find((x) => `${x.id}.push` === id);
      if (!e || gesture !== 'press') return;
      const target = this.targetOf(e);
      if (this.#learnTouch({ kind: 'parameter', ...target })) return;
      if (this.#voiceExists(e.id, target)) this.#send({ kind: 'reset', ...target, source: 'panel' });
      return;
    }
    const b = this.#config.buttons.find((x) => x.id === id);
    if (b) this.#action(b.action, gesture);
  }

  #action(action: ButtonAction, gesture: Gesture): void {
    switch (action) {
      case 'shift':
        if (gesture === 'down' || gesture === 'up') this.#shift = gesture === 'down';
        return;
      case 'learn':
        if (gesture === 'down' || gesture === 'up') this.#setLearning(gesture === 'down');
        return;
      case 'mode':
        if (gesture === 'press' && !this.#learnTouch({ kind: 'parameter', param: 'mode' })) this.#nextMode();
        if (gesture === 'long' && !this.#learning)
          this.#send({ kind: 'set', param: 'mode', value: 'answer', source: 'panel' });
        return;
      case 'mutate':
        if (gesture === 'press' && !this.#learnTouch({ kind: 'button', command: 'mutate' }))
          this.#send({ kind: 'mutate', source: 'panel' });
        if (gesture === 'double' && !this.#learning)
          this.#send({
            kind: 'set',
            param: 'loop_response',
            value: this.#valueOf({ param: 'loop_response' }) !== true,
            source: 'panel',
          });
        return;
      case 'end_call':
        if (gesture === 'press' && !this.#learnTouch({ kind: 'button', command: 'endCall' }))
          this.#send({ kind: 'endCall', source: 'panel' });
        return;
      case 'panic':
        if (gesture === 'press' && !this.#learnTouch({ kind: 'button', command: 'panic' }))
          this.#send({ kind: 'panic', source: 'panel' });
        // Held: a harder stop, the answer loop off too.
        if (gesture === 'long' && !this.#learning) {
          this.#send({ kind: 'panic', source: 'panel' });
          this.#send({ kind: 'set', param: 'loop_response', value: false, source: 'panel' });
        }
        return;
    }
  }

  #nextMode(): void {
    const p = parameterNamed('mode');
    if (p?.kind !== 'choice') return;
    const options = choicesOf(p, { models: this.#deps.snapshot().models });
    const i = options.indexOf(String(this.#valueOf({ param: 'mode' })));
    const next = options[(i + 1) % options.length];
    if (next !== undefined) this.#send({ kind: 'set', param: 'mode', value: next, source: 'panel' });
  }

  #setLearning(on: boolean): void {
    if (on === this.#learning) return;
    this.#learning = on;
    this.#learnCc = undefined;
    this.#deps.learningChanged(on);
  }

  /** While learning: maps the captured CC to this target and says so (true = the touch was spent on learning). */
  #learnTouch(target: CcTarget): boolean {
    if (!this.#learning) return false;
    const cc = this.#learnCc;
    if (cc === undefined) return true; // nothing moved yet: the touch only chooses nothing
    this.#learnCc = undefined;
    this.#deps.learned(cc, target);
    this.lastAction = `learned CC ${cc} -> ${describeTarget(target)}`;
    return true;
  }

  #valueOf(a: ParameterAddress): ParameterValue | undefined {
    const s = this.#deps.snapshot().parameters;
    const p = parameterNamed(a.param);
    if (!p) return undefined;
    if (p.scope === 'global') return s.global[a.param];
    const v = a.voice === undefined ? s.voices[0] : s.voices.find((x) => x.name === a.voice);
    return v?.values[a.param];
  }

  #voiceExists(control: string, a: ParameterAddress): boolean {
    if (a.voice === undefined || this.#deps.snapshot().parameters.voices.some((v) => v.name === a.voice)) return true;
    const key = `${control}:${a.voice}`;
    if (!this.#warned.has(key)) {
      this.#warned.add(key);
      this.#deps.log.info(
        { control, voice: a.voice, param: a.param },
        'panel control drives a voice this box does not have; ignored',
      );
    }
    return false;
  }

  #send(command: BoxCommand): void {
    this.lastAction =
      'param' in command ? `${command.kind} ${command.param}${command.voice ? `@${command.voice}` : ''}` : command.kind;
    this.#deps.dispatch(command);
  }
}

export function describeTarget(t: CcTarget): string {
  if (t.kind === 'button') return t.command;
  if (t.kind === 'state-out') return 'state_out';
  return t.voice === undefined ? t.param : `${t.param}@${t.voice}`;
}
