import type { BoxSnapshot } from '../box/bus-types.js';
import type { ControlsView } from './controls.js';
import { GREEN_INDEX, PLAYHEAD_INDEX, RED_INDEX, WHITE_BUTTON, WHITE_INDEX } from './palette.js';
import { ANIMATION, BUTTON, LOWER_ROW } from './protocol.js';

/** One button LED: CC number, value (palette index, or brightness for white-only buttons), animation channel. */
export interface ButtonLight {
  readonly cc: number;
  readonly value: number;
  readonly channel: number;
}

const fixed = (cc: number, value: number): ButtonLight => ({ cc, value, channel: ANIMATION.static });

/**
 * The button LEDs for the box's state: play pulses green while the box plays (dim when
 * stopped), record is red while the recorder is armed and pulses while the box listens,
 * undo is lit while there is a response to go back to, stop blinks while a call can be
 * ended, mute blinks red while a panic waits for its confirmation, the page buttons show
 * the page, tap tempo blinks on the beat (Push 2 times it by our clock). Pure.
 */
export function buttonLights(view: ControlsView, box: Pick<BoxSnapshot, 'engine' | 'transport'>): ButtonLight[] {
  const listening = box.engine === 'listening';
  const { playing, recordArmed, undoDepth } = box.transport;
  return [
    fixed(BUTTON.shift, view.shift ? WHITE_BUTTON.on : WHITE_BUTTON.dim),
    { cc: BUTTON.tapTempo, value: WHITE_BUTTON.on, channel: ANIMATION.blinkQuarter },
    fixed(BUTTON.mode, WHITE_BUTTON.on),
    fixed(BUTTON.mutate, WHITE_BUTTON.on),
    listening
      ? { cc: BUTTON.endCall, value: RED_INDEX, channel: ANIMATION.blinkQuarter }
      : fixed(BUTTON.endCall, PLAYHEAD_INDEX),
    view.panicArmedUntil !== undefined
      ? { cc: BUTTON.panic, value: RED_INDEX, channel: ANIMATION.blinkEighth }
      : fixed(BUTTON.panic, PLAYHEAD_INDEX),
    playing
      ? { cc: BUTTON.play, value: GREEN_INDEX, channel: ANIMATION.pulseQuarter }
      : fixed(BUTTON.play, PLAYHEAD_INDEX),
    !recordArmed
      ? fixed(BUTTON.record, PLAYHEAD_INDEX)
      : listening
        ? { cc: BUTTON.record, value: RED_INDEX, channel: ANIMATION.pulseQuarter }
        : fixed(BUTTON.record, RED_INDEX),
    fixed(BUTTON.undo, undoDepth > 0 ? WHITE_BUTTON.on : WHITE_BUTTON.off),
    ...LOWER_ROW.map((cc, i) => fixed(cc, i === view.page ? WHITE_INDEX : i < view.pages.length ? PLAYHEAD_INDEX : 0)),
  ];
}
