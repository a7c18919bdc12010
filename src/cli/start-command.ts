import type { Config } from '../system/config.js';
import type { Hardware } from '../system/hardware.js';
import type { Logger } from '../system/log.js';
import { runBox, type BoxOptions } from './box.js';

export type StartOptions = BoxOptions;

/** `antiphon start` (what `npm start` runs): the box. */
export function startCommand(hw: Hardware, config: Config, log: Logger, opts: StartOptions, out: (line: string) => void): Promise<number> {
  return runBox(hw, config, log, opts, out);
}
