import { reportProblem, type BoxSurface, type SurfaceContext } from '../box/surface.js';
import { liveArgs } from './fluidsynth-args.js';
import { resolveAudioDevice, type AudioDeviceChoice } from './sound-card.js';
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
  /** Why the synth waits for a card, as last said; said again only when it changes. */
  #waitingFor: string | undefined;
  /** The device the last start played on (its label); undefined when the last try found none. */
  #playingOn: string | undefined;

  constructor(
    private readonly config: SynthConfig,
    private readonly spawner: SynthSpawner = spawnSynth,
    /** Where `audio_device` plays now, asked before each start (tests: over a stand-in for /proc/asound). */
    private readonly chooseDevice: (configured: string) => AudioDeviceChoice = resolveAudioDevice,
  ) {}

  get supervisor(): SynthSupervisor | undefined {
    return this.#supervisor;
  }

  start(ctx: SurfaceContext): void {
    const supervisor = new SynthSupervisor({
      command: this.config.command,
      // "auto" is chosen anew at each start: an interface plugged in (or out) since is taken up.
      launch: () => {
        const choice = this.chooseDevice(this.config.audio_device);
        this.#playingOn = 'label' in choice ? choice.label : undefined;
        return 'problem' in choice ? { cannotStart: choice.problem } : { args: liveArgs(this.config, choice.device) };
      },
      spawn: this.spawner,
      timers: ctx.timers,
      now: ctx.now,
      started: (child) => {
        this.#reported = undefined;
        this.#waitingFor = undefined;
        ctx.log.info(
          {
            pid: child.pid,
            device: this.#playingOn,
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
        // A process that ended was playing somewhere: say where (a card problem names its device itself).
        const where = this.#playingOn === undefined ? '' : ` on ${this.#playingOn}`;
        const problem = `built-in synth${where}: ${why}`;
        // The log gets every try; the bus (panel, page) each new reason once, not every 30 s.
        ctx.log.warn({ retryMs, device: this.#playingOn }, `synth${where}: ${why}; trying again`);
        if (problem !== this.#reported)
          ctx.report?.('error', 'device', `${problem}; retrying in ${Math.round(retryMs / 1000)} s`);
        this.#reported = problem;
      },
      waiting: (why) => {
        if (why === this.#waitingFor) return;
        this.#waitingFor = why;
        // A warning, once: a box used only as a MIDI brain (no card, or only the pad's) plays on,
        // and its status line must not read "error" for as long as it runs.
        reportProblem(ctx, 'warning', 'device', `built-in synth waits for a sound card: ${why}`);
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
