import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { AbletonLinkSession, LinkUnavailable, resolveAbletonLink } from './ableton-link-session.js';
import { InterfaceFilterUnavailable, ensureInterfaceFilter, interfaceFilterEnv } from './interface-filter.js';
import type { LinkConfig } from './link-config.js';
import type { LinkSession } from './link-session.js';

export interface LinkLog {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

export interface OpenLinkOptions {
  readonly tempo: number;
  /** Bar length in quarter notes (quantumOf(meter)). */
  readonly quantum: number;
  readonly log: LinkLog;
  /** Where the interface filter library is (or is built); default node_modules/.cache/antiphon-link. */
  readonly filterDir?: string;
  /** Runs the Link helper under this command (tests: `ip netns exec NAME`, to keep Link in a namespace). */
  readonly prefix?: readonly string[];
  /** Told the one line saying why Link stays off although `[link]` enables it (the box shows it on the bus). */
  readonly onOff?: (why: string) => void;
}

/** Opens the session `[link]` asks for: openLinkSession on the box, a simulated network in tests. */
export type LinkOpener = (config: LinkConfig, o: OpenLinkOptions) => Promise<LinkSession | undefined>;

/**
 * Throws LinkUnavailable unless the package at `packageDir` has its addon built (npm builds
 * it at install; the .deb's arm builds do not yet), so an arm box says why Link is off.
 */
export function requireAbletonLinkBuild(packageDir: string): void {
  const addon = join(packageDir, 'build', 'Release', 'abletonlink.node');
  if (!existsSync(addon))
    throw new LinkUnavailable(
      `abletonlink is installed but not built for this machine (${addon} is missing; npm rebuild abletonlink needs g++ and make)`,
    );
}

/**
 * The real Link session for `[link]`, or undefined with one log line saying why not: Link
 * off in the config, the optional package missing, the interface filter unavailable (the
 * box then stays off Link rather than join a hotspot), or the helper failing to start.
 * Logs every tempo, peer and play-state change, and a helper crash.
 */
export async function openLinkSession(config: LinkConfig, o: OpenLinkOptions): Promise<LinkSession | undefined> {
  if (!config.enabled) return undefined;
  try {
    const packageDir = dirname(resolveAbletonLink());
    requireAbletonLinkBuild(packageDir);
    const filterDir = o.filterDir ?? join(packageDir, '..', '.cache', 'antiphon-link');
    const env = interfaceFilterEnv(config.interfaces, () => ensureInterfaceFilter(filterDir));
    const session = await AbletonLinkSession.start({
      tempo: o.tempo,
      quantum: o.quantum,
      env,
      ...(o.prefix ? { prefix: o.prefix } : {}),
      onStderr: (line) => o.log.warn({ line }, 'link helper'),
    });
    session.onChange((change) => o.log.info(change, 'link'));
    session.onFailure((why) => o.log.error({ why }, 'link failed; the box keeps time on its own clock'));
    o.log.info({ interfaces: config.interfaces, startStopSync: config.start_stop_sync }, 'link ready');
    return session;
  } catch (error) {
    if (error instanceof LinkUnavailable) {
      o.log.warn({}, error.message);
      o.onOff?.(error.message);
    } else if (error instanceof InterfaceFilterUnavailable) {
      const why = `Ableton Link is off: ${error.message}`;
      o.log.error({ interfaces: config.interfaces }, why);
      o.onOff?.(why);
    } else throw error;
    return undefined;
  }
}
