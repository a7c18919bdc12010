import { execFileSync } from 'node:child_process';
import { dirname } from 'node:path';
import {
  AbletonLinkSession,
  resolveAbletonLink,
  type AbletonLinkOptions,
} from '../../src/link/ableton-link-session.js';
import { requireAbletonLinkBuild } from '../../src/link/open-link.js';
import { ensureDebianPackages } from '../synth/debian-packages.js';

/**
 * A network namespace of our own for Link tests: only loopback, up, with the multicast route
 * Link's discovery needs. Link helpers started through `start` run inside it, so nothing
 * reaches (or comes from) a real network. Needs root and iproute2, and the abletonlink
 * package built: without them this throws, saying what is missing; it never skips.
 */
export interface LinkNetns {
  readonly name: string;
  start(options?: AbletonLinkOptions): Promise<AbletonLinkSession>;
  dispose(): Promise<void>;
}

let counter = 0;

/**
 * The optional package must be installed and built for these tests. npm drops an optional
 * dependency whose build failed (no g++, make or python3), so say exactly that.
 */
export function requireBuiltAbletonLink(): void {
  requireAbletonLinkBuild(dirname(resolveAbletonLink()));
}

export function createLinkNetns(): LinkNetns {
  requireBuiltAbletonLink();
  if (process.getuid?.() !== 0) throw new Error('Link tests make a network namespace and need root (CI runs as root)');
  ensureDebianPackages('/usr/sbin/ip', ['iproute2']);
  const name = `antiphon-link-${process.pid}-${++counter}`;
  const ip = (...args: string[]): void => {
    try {
      execFileSync('ip', args, { stdio: 'pipe' });
    } catch (error) {
      throw new Error(
        `ip ${args.join(' ')} failed (is iproute2 installed?): ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  };
  ip('netns', 'add', name);
  ip('-n', name, 'link', 'set', 'lo', 'up');
  ip('-n', name, 'route', 'add', '224.0.0.0/4', 'dev', 'lo');
  const sessions: AbletonLinkSession[] = [];
  return {
    name,
    async start(options = {}) {
      const session = await AbletonLinkSession.start({ ...options, prefix: ['ip', 'netns', 'exec', name] });
      sessions.push(session);
      return session;
    },
    async dispose() {
      await Promise.all(sessions.map((s) => s.dispose()));
      execFileSync('ip', ['netns', 'delete', name], { stdio: 'pipe' });
    },
  };
}
