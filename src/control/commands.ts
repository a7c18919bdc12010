import type { ParameterValue } from './parameters.js';

/** Who sent a command: shown in the log and on the bus, so a jumping value can be traced. */
export type CommandSource = 'config' | 'settings' | 'cc' | 'panel' | 'push2' | 'web' | 'cli' | 'pad' | 'demo' | 'test';

/** A parameter, and for a voice parameter the voice (absent: the first voice). */
export interface ParameterAddress {
  readonly param: string;
  readonly voice?: string;
}

/**
 * Everything a control can ask of the box. Producers (CC, config, panel, Push 2, the web
 * page) build these; the box applies them in order. Parameter commands come in the shapes
 * controls have: an absolute value, a knob position, encoder detents, or back to default.
 */
export type BoxCommand =
  | (ParameterAddress & { readonly kind: 'set'; readonly value: ParameterValue; readonly source: CommandSource })
  | (ParameterAddress & { readonly kind: 'position'; readonly position: number; readonly source: CommandSource })
  | (ParameterAddress & {
      readonly kind: 'nudge';
      readonly steps: number;
      readonly fine?: boolean;
      readonly source: CommandSource;
    })
  | (ParameterAddress & { readonly kind: 'reset'; readonly source: CommandSource })
  | { readonly kind: 'endCall'; readonly source: CommandSource }
  | { readonly kind: 'panic'; readonly source: CommandSource }
  | { readonly kind: 'mutate'; readonly source: CommandSource }
  /** Play (true) or stop (false) the box; `toggle` flips it (a one-button transport). */
  | { readonly kind: 'transport'; readonly play: boolean | 'toggle'; readonly source: CommandSource }
  /** Arm (true) or disarm (false) the recorder; `toggle` flips it. */
  | { readonly kind: 'recordArm'; readonly armed: boolean | 'toggle'; readonly source: CommandSource }
  /** Back to the previous response: it plays again from the next bar line. */
  | { readonly kind: 'undo'; readonly source: CommandSource };

export type ParameterCommand = Extract<BoxCommand, ParameterAddress>;

export const isParameterCommand = (c: BoxCommand): c is ParameterCommand => 'param' in c;
