import type { MessagePort } from 'node:worker_threads';

/** What the clock output thread starts with. */
export interface OutputThreadData {
  /** Bumped (and notified) by the main thread after every message it posts. */
  readonly signal: SharedArrayBuffer;
  /** Lateness histogram the thread fills and the main thread reads. */
  readonly histogram: SharedArrayBuffer;
  readonly binMs: number;
  readonly port: MessagePort;
  readonly spinMs: number;
  readonly drainGuardMs: number;
  readonly realtime: boolean;
  readonly priority: number;
  /** Where @julusian/midi is, as the main thread resolved it; loaded only for ALSA destinations. */
  readonly midiModule: string;
}

/** Main thread to output thread. A destination is a file descriptor (>= 0) or an ALSA output the thread opened (< 0). */
export type ToOutputThread =
  | {
      readonly kind: 'send';
      readonly dest: number;
      readonly bytes: Uint8Array;
      readonly at: number;
      readonly priority: number;
      readonly tag: string | undefined;
      readonly id: number | undefined;
    }
  | { readonly kind: 'move'; readonly ids: readonly number[]; readonly ats: readonly number[] }
  | {
      readonly kind: 'grid';
      readonly id: string;
      readonly dest: number;
      readonly anchorTick: number;
      readonly anchorTime: number;
      readonly period: number;
      readonly from: number;
    }
  | { readonly kind: 'grid-stop'; readonly id: string }
  | { readonly kind: 'cancel'; readonly tag: string; readonly from: number }
  | { readonly kind: 'open-alsa'; readonly dest: number; readonly name: string }
  | { readonly kind: 'close-alsa'; readonly dest: number }
  | { readonly kind: 'stats' }
  | { readonly kind: 'stop' };

export interface OutputThreadStats {
  readonly sent: number;
  readonly maxLateMs: number;
  /** Writes that returned before their time (should stay 0: the contract says never early). */
  readonly early: number;
  readonly pending: number;
}

/** Output thread to main thread. */
export type FromOutputThread =
  | { readonly kind: 'priority'; readonly ok: boolean; readonly detail: string }
  | { readonly kind: 'error'; readonly dest: number; readonly code: string }
  | { readonly kind: 'opened'; readonly dest: number }
  | ({ readonly kind: 'stats' } & OutputThreadStats)
  | { readonly kind: 'ready' }
  | { readonly kind: 'stopped' };
