import type { BoxSurface, SurfaceContext } from '../box/surface.js';
import { liveArgs } from './fluidsynth-args.js';
import { missingSoundCard } from './sound-card.js';
import { changedCommands, synthCommands } from './synth-commands.js';
import type { SynthConfig } from './synth-config.js';
import { spawnSynth, type SynthSpawner } from './synth-process.js';
import { SynthSupervisor } from './synth-supervisor.js';

/** Registry parameters that change what the synth is told. */
const SYNTH_PARAMS = new Set(['synth_volume', 'reverb', 'chorus', 'kit', 'channel']);

/**
 * The built-in sound as a box surface: it keeps FluidSynth running (restarting it when it
 * dies) and keeps its kits, levels and effects in step with the registry. The notes reach
 * FluidSynth's sequencer port as they reach any device, by role: the device layer gives the
 * synth the `synth` role, and `response` and `thru` unless the config sends those elsewhere.
 */
export class SynthSurface implements BoxSurface {
  readonly name = 'synth';
  #supervisor: SynthSupervisor | undefined;
  #unsubscribe: (() => void) | undefined;
  #sent = new Map<string, string>();

  #reported: string | undefined;

  constructor(
    private readonly config: SynthConfig,
    private readonly spawner: SynthSpawner = spawnSynth,
    /** Why the sound card cannot be used now (tests: a stand-in for /proc/asound). */
    private readonly soundCard: (device: string) => string | undefined = missingSoundCard,
  ) {}

  get supervisor(): SynthSupervisor | undefined {
    return this.#supervisor;
  }

  start(ctx: SurfaceContext): void {
    const supervisor = new SynthSupervisor({
      command: this.config.command,
      args: liveArgs(this.config),
      spawn: this.spawner,
      timers: ctx.timers,
      now: ctx.now,
      precheck: () => this.soundCard(this.config.audio_device),
      started: (child) => {
        this.#reported = undefined;
        ctx.log.info(
          {
            pid: child.pid,
            device: this.config.audio_device,
            periodSize: this.config.period_size,
            periods: this.config.periods,
            rate: this.config.sample_rate,
          },
          'synth started',
        );
        this.#sent = new Map();
        this.#sync(ctx);
      },
      failed: (why, retryMs) => {
        // The log gets every try; the bus (panel, page) each new reason once, not every 30 s.
        ctx.log.warn({ retryMs }, `synth: ${why}; trying again`);
        if (why !== this.#reported)
          ctx.report?.('error', 'device', `built-in synth: ${why}; retrying in ${Math.round(retryMs / 1000)} s`);
        this.#reported = why;
      },
      message: (line) => {
        // FluidSynth's stderr: underruns and ALSA errors belong in the log, its banner does not.
        if (/error|fail|underrun|xrun|warning/i.test(line)) ctx.log.warn({ synth: line }, 'synth says');
        else ctx.log.debug({ synth: line }, 'synth says');
      },
    });
    this.#supervisor = supervisor;
    this.#unsubscribe = ctx.bus.subscribe((e) => {
      if (e.kind === 'parameter' && SYNTH_PARAMS.has(e.change.param)) this.#sync(ctx);
    });
    supervisor.start();
  }

  stop(): void {
    this.#unsubscribe?.();
    this.#supervisor?.stop();
  }

  /** Sends what differs between the registry now and what the running synth was told. */
  #sync(ctx: SurfaceContext): void {
    const next = synthCommands(ctx.bus.snapshot().parameters);
    for (const line of changedCommands(this.#sent, next)) this.#supervisor?.send(line);
    this.#sent = next;
  }
}
