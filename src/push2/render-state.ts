import type { BoxSnapshot } from '../box/bus-types.js';
import type { ControlsView } from './controls.js';

/**
 * Everything the display shows, as one plain value: the box's snapshot and the controls'
 * view. Plain data (structured-clonable), so it can be handed to the render worker.
 */
export interface DisplayState {
  readonly snapshot: BoxSnapshot;
  readonly controls: ControlsView;
}

/** Display colours: the players' (human first) match the pads' palette. */
export const COLOURS = {
  background: 0x000000,
  strip: 0x14181e,
  stripSelected: 0x28323c,
  label: 0x8c9aa8,
  value: 0xffffff,
  dimText: 0x5a6470,
  gridLine: 0x1e2328,
  barLine: 0x3c444c,
  ok: 0x50e070,
  warn: 0xffb000,
  error: 0xff3030,
  demo: 0x3060ff,
  players: [0xffb000, 0x00c8ff, 0xff3ca0, 0x60ff40, 0xb070ff],
} as const;

export const playerColour = (player: number): number => COLOURS.players[player % COLOURS.players.length] ?? 0xffffff;
