import type { ClockService } from '../clock/clock-service.js';
import { quantumOf } from '../link/link-clock.js';
import type { LinkConfig } from '../link/link-config.js';
import type { LinkSource } from '../link/link-source.js';
import type { LinkLog, LinkOpener } from '../link/open-link.js';
import { errorMessage } from '../util/error-message.js';
import type { LinkStatus } from './bus-types.js';

/** `[link]`, what opens its session (openLinkSession on the box, a simulated network in a test), and its log. */
export interface BoxLinkParts {
  readonly config: LinkConfig;
  readonly open: LinkOpener;
  readonly log: LinkLog;
}

export interface JoinLinkOptions {
  /** The box's tempo: the session starts at it, then adopts the peers'. */
  readonly tempo: number;
  /** A problem the musician should see: Link off although enabled, or Link failed. */
  readonly report?: (level: 'warning' | 'error', message: string) => void;
  /** The session's tempo, peers or play state changed, or it failed. */
  readonly changed: () => void;
  /** Link's play state started or stopped the song while Link is the box's clock. */
  readonly transport: (kind: 'start' | 'stop') => void;
}

/**
 * Opens the `[link]` session and joins it to the box's ClockService, or leaves the box on its
 * own clock with one reported line saying why (nothing is opened, and the optional package
 * never loaded, unless `[link] enabled`). Call before the service begins.
 */
export async function joinBoxLink(
  service: ClockService,
  parts: BoxLinkParts,
  o: JoinLinkOptions,
): Promise<LinkSource | undefined> {
  if (!parts.config.enabled) return undefined;
  const { log } = parts;
  let session;
  try {
    session = await parts.open(parts.config, {
      tempo: o.tempo,
      quantum: quantumOf(service.transport.meter),
      log,
      onOff: (why) => o.report?.('warning', why),
    });
  } catch (error) {
    const why = `Ableton Link is off: ${errorMessage(error)}`;
    log.error({}, why);
    o.report?.('error', why);
    return undefined;
  }
  if (!session) return undefined;
  const source = service.joinLink({ session, startStopSync: parts.config.start_stop_sync });
  session.onChange(() => o.changed());
  source.onFailure((why) => {
    o.report?.('error', `Ableton Link failed (${why}); the box keeps time on its own clock`);
    o.changed();
  });
  source.clock.onTransport((event) => {
    if (service.source === 'link') o.transport(event.kind);
  });
  source.clock.onTimelineChange((why) => {
    // A tempo change re-times queued notes through the timeline; a renumbered grid keeps the song's bars (LinkClock).
    if (why === 'jump')
      log.info({ tempo: source.transport.tempo }, 'Link moved its beat grid; the song keeps its bars');
  });
  return source;
}

/** The Link session as the bus shows it. */
export function linkStatusOf(source: LinkSource): LinkStatus {
  return {
    enabled: source.usable,
    peers: source.clock.peers,
    tempo: Math.round(source.transport.tempo * 10) / 10,
    playing: source.clock.playing,
  };
}
