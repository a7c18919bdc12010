import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from './support/wait.js';

/** One JSON log record of the service (pino), with `time` in epoch ms. */
export interface LogRecord {
  readonly time: number;
  readonly msg: string;
  readonly [key: string]: unknown;
}

/**
 * `antiphon start` as a child process, exactly as systemd runs it, with its JSON log parsed
 * so a test can wait for what the box says it did.
 */
export class ServiceProcess {
  readonly records: LogRecord[] = [];
  /** stdout lines that are not log records (the demo's drum grids, banners). */
  readonly stdout: string[] = [];
  readonly stderr: string[] = [];
  exitCode: number | null | undefined;
  readonly #child: ChildProcess;

  private constructor(configToml: string, extraArgs: readonly string[]) {
    const dir = mkdtempSync(join(tmpdir(), 'antiphon-svc-'));
    const config = join(dir, 'antiphon.toml');
    // The synth plays on whatever card can play (audio_device = "auto"): in the shared VM that is
    // synth.test.ts's snd-aloop once it has run, and FluidSynth rendering under TCG would load the
    // timing of suites that do not test it. Those that do say [synth] themselves.
    writeFileSync(config, /^\[synth\]/m.test(configToml) ? configToml : `${configToml}\n[synth]\nenabled = false\n`);
    this.#child = spawn(
      process.execPath,
      ['dist/cli/main.js', 'start', '--config', config, '--log', 'json', ...extraArgs],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    // JSON log lines come on stdout; stderr carries native libraries' own messages.
    let pending = '';
    this.#child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        try {
          this.records.push(JSON.parse(line) as LogRecord);
        } catch {
          this.stdout.push(line);
        }
      }
    });
    this.#child.stderr?.setEncoding('utf8').on('data', (chunk: string) => this.stderr.push(chunk));
    this.#child.on('exit', (code) => {
      this.exitCode = code;
    });
  }

  static async start(
    configToml: string,
    extraArgs: readonly string[] = [],
    startTimeoutMs = 60_000,
  ): Promise<ServiceProcess> {
    const svc = new ServiceProcess(configToml, extraArgs);
    await svc.waitForLog((r) => r.msg === 'antiphon started', 'the service to start', startTimeoutMs);
    return svc;
  }

  /** Waits for a record at or after index `from` that matches; returns it and its index. */
  async waitForLog(
    match: (r: LogRecord) => boolean,
    what: string,
    timeoutMs = 10_000,
    from = 0,
  ): Promise<{ record: LogRecord; index: number }> {
    return waitFor(
      () => {
        if (this.exitCode !== undefined)
          throw new Error(`service exited (${String(this.exitCode)}) while waiting for ${what}`);
        const index = this.records.findIndex((r, i) => i >= from && match(r));
        const record = this.records[index];
        return record ? { record, index } : undefined;
      },
      { what, timeoutMs, intervalMs: 2 },
    );
  }

  /** Where each thread of the service is waiting in the kernel: evidence when it hangs. */
  threadStates(): string {
    const pid = this.#child.pid;
    if (pid === undefined) return 'no pid';
    const read = (f: string): string => {
      try {
        return readFileSync(f, 'utf8').trim();
      } catch {
        return '?';
      }
    };
    return readdirSync(`/proc/${pid}/task`)
      .map(
        (t) =>
          `${t} ${read(`/proc/${pid}/task/${t}/comm`)} ${read(`/proc/${pid}/task/${t}/wchan`)} | ${read(`/proc/${pid}/task/${t}/stack`).replace(/\n/g, ' < ')}`,
      )
      .join('\n');
  }

  /** SIGTERM, as systemd stops it; the exit code it returned (SIGKILL after 10 s is a failure). */
  async stop(): Promise<number | null> {
    if (this.exitCode !== undefined) return this.exitCode;
    this.#child.kill('SIGTERM');
    try {
      await waitFor(() => this.exitCode !== undefined, { what: 'the service to exit', timeoutMs: 10_000 });
    } catch (e) {
      this.records.push({ time: Date.now(), msg: `(hung on stop) ${this.threadStates()}` });
      this.#child.kill('SIGKILL');
      throw e;
    }
    return this.exitCode ?? null;
  }
}
