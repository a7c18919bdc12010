import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import type { Bpm } from '../clock/units.js';
import { bpm, ms } from '../clock/units.js';
import { LINK_HOST_SOURCE } from './link-host-source.js';
import { LinkSessionListeners } from './link-session-base.js';
import type { LinkSample, LinkSession } from './link-session.js';

export interface AbletonLinkOptions {
  readonly tempo?: number;
  readonly quantum?: number;
  /** How often the helper reads Link (ms). */
  readonly sampleEveryMs?: number;
  /** Extra environment for the helper (the interface filter's LD_PRELOAD goes here). */
  readonly env?: Readonly<Record<string, string>>;
  /** Runs the helper under this command (tests: `ip netns exec NAME`, to keep Link in a namespace). */
  readonly prefix?: readonly string[];
  /** Where the helper's stray stderr goes (one call per line). */
  readonly onStderr?: (line: string) => void;
  /** The package's entry point (default: resolved from node_modules). */
  readonly modulePath?: string;
}

/** The optional `abletonlink` package is not installed (or not built), so Link is off. */
export class LinkUnavailable extends Error {
  override readonly name = 'LinkUnavailable';
  constructor(readonly reason: string) {
    super(`Ableton Link is off: ${reason}`);
  }
}

/** Resolves the optional package's entry point, or throws LinkUnavailable saying how to get it. */
export function resolveAbletonLink(): string {
  try {
    return createRequire(import.meta.url).resolve('abletonlink');
  } catch {
    throw new LinkUnavailable(
      'the optional package abletonlink is not installed (npm install builds it from source; it needs g++ and make)',
    );
  }
}

interface HostMessage {
  readonly kind: string;
  readonly message?: string;
  readonly atNs?: string;
  readonly widthNs?: number;
  readonly beat?: number;
  readonly phase?: number;
  readonly tempo?: number;
  readonly playing?: boolean;
  readonly peers?: number;
}

/**
 * The real LinkSession: Ableton Link through the `abletonlink` package, run in a helper
 * process (see link-host-source.ts for why). Start one with `AbletonLinkSession.start`.
 */
export class AbletonLinkSession extends LinkSessionListeners implements LinkSession {
  private on = false;
  private closing = false;
  private dead = false;
  private readonly exited: Promise<void>;
  private ended: { readonly code: number | null; readonly signal: NodeJS.Signals | null } | undefined;

  private constructor(
    private readonly child: ChildProcess,
    ready: (error?: Error) => void,
    onStderr: (line: string) => void,
  ) {
    super();
    let started = false;
    // A helper that cannot be spawned (no memory, a bad prefix) is Link unavailable, never an unhandled 'error'.
    child.once('error', (error) => {
      if (!started) ready(new LinkUnavailable(`the Link helper did not start (${error.message})`));
      this.died(`Link helper failed (${error.message})`);
    });
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    child.once('exit', (code, signal) => {
      this.ended = { code, signal };
      const why = `Link helper exited (${signal ?? `code ${code}`})`;
      if (!started) ready(new LinkUnavailable(why));
      this.died(why);
    });
    if (child.stderr) createInterface({ input: child.stderr }).on('line', onStderr);
    if (!child.stdout) throw new Error('Link helper has no stdout');
    createInterface({ input: child.stdout }).on('line', (line) => {
      const message = parse(line);
      if (message?.kind === 'ready') {
        started = true;
        ready();
      } else if (message?.kind === 'error' && !started) {
        ready(new LinkUnavailable(`abletonlink did not load: ${message.message ?? '?'}`));
      } else if (message?.kind === 'error') {
        onStderr(`Link helper: ${message.message ?? '?'}`);
      } else if (message?.kind === 'sample') {
        this.sampled(message);
      }
    });
  }

  /** Starts the helper; rejects with LinkUnavailable if the package is missing or does not load. */
  static start(options: AbletonLinkOptions = {}): Promise<AbletonLinkSession> {
    const modulePath = options.modulePath ?? resolveAbletonLink();
    const args = [
      '-e',
      LINK_HOST_SOURCE,
      modulePath,
      String(options.tempo ?? 120),
      String(options.quantum ?? 4),
      String(options.sampleEveryMs ?? 5),
    ];
    const [command, ...prefixArgs] = [...(options.prefix ?? []), process.execPath];
    const child = spawn(command ?? process.execPath, [...prefixArgs, ...args], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, ...options.env },
    });
    return new Promise((resolve, reject) => {
      const session: AbletonLinkSession = new AbletonLinkSession(
        child,
        (error) => (error ? reject(error) : resolve(session)),
        options.onStderr ?? (() => undefined),
      );
    });
  }

  /** How the helper ended (after dispose: SIGKILL, sent by itself once it left the session). */
  get exitStatus(): { readonly code: number | null; readonly signal: NodeJS.Signals | null } | undefined {
    return this.ended;
  }

  get enabled(): boolean {
    return this.on;
  }

  enable(): void {
    this.on = true;
    this.send({ kind: 'enable' });
  }

  disable(): void {
    this.on = false;
    this.send({ kind: 'disable' });
  }

  setTempo(tempo: Bpm): void {
    this.send({ kind: 'tempo', value: tempo });
  }

  setQuantum(beats: number): void {
    if (!(beats > 0)) throw new RangeError(`Link quantum must be positive, got ${beats}`);
    this.send({ kind: 'quantum', value: beats });
  }

  setPlaying(playing: boolean): void {
    this.send({ kind: 'playing', value: playing });
  }

  setStartStopSync(on: boolean): void {
    this.send({ kind: 'sync', value: on });
  }

  /** Leaves the session and ends the helper (SIGKILL after 2 s if it does not go). */
  async dispose(): Promise<void> {
    if (this.dead) return;
    this.closing = true;
    this.on = false;
    this.send({ kind: 'close' });
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 2000);
    await this.exited;
    clearTimeout(timer);
  }

  private send(command: { kind: string; value?: number | boolean }): void {
    if (this.dead || !this.child.stdin?.writable) return;
    this.child.stdin.write(`${JSON.stringify(command)}\n`);
  }

  private sampled(m: HostMessage): void {
    if (!this.on || this.closing) return;
    const sample: LinkSample = {
      atMs: ms(Number(BigInt(m.atNs ?? '0')) / 1e6),
      beat: m.beat ?? 0,
      phase: m.phase ?? 0,
      tempo: bpm(m.tempo ?? 120),
      playing: m.playing ?? false,
      peers: m.peers ?? 0,
      widthUs: (m.widthNs ?? 0) / 1000,
    };
    this.publish(sample);
  }

  private died(why: string): void {
    if (this.dead) return;
    this.dead = true;
    this.on = false;
    const listeners = this.dropListeners();
    if (!this.closing) for (const listen of listeners) listen(why);
  }
}

function parse(line: string): HostMessage | undefined {
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null && 'kind' in value ? (value as HostMessage) : undefined;
  } catch {
    return undefined;
  }
}
