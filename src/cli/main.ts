#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { existsSync } from 'node:fs';
import { errorMessage } from '../util/error-message.js';
import type { PrestartedOutputThreads } from '../clock/clock-output-prestart.js';

// Each command is loaded when it runs: the box on stage never pays for training's tfjs,
// the evaluator or Push 2's renderer in start-up time or memory. Even the config, the log
// and the hardware are imported inside main(), so that `start` can set its model worker
// going before them (bench:startup).

const USAGE = `antiphon <command> [options]

commands:
  start                 run the box (what \`npm start\` runs)
  devices               list MIDI ports and USB MIDI devices with identities and profiles
  monitor               print incoming MIDI, decoded and timestamped
  panel                 the knob/button/LED panel's live state, for checking its wiring; see \`antiphon panel --help\`
  model info DIR        a model's architecture, parameter count, bytes and pitch map
  model quantize IN OUT --dtype uint8|uint16|float16
                        write a quantised copy of a model in the same format
  train --midi DIR --out DIR [--from MODEL] [--resume] ...
                        train (or fine-tune) a drum model on MIDI files; see \`antiphon train --help\`
  eval MODEL DIR        NLL per step and exact-event accuracy on MIDI files, beside the baselines
  respond CALL.mid -o OUT.mid [--model NAME|DIR] [--temperature T] [--bars N] [--beam N] [--seed N]
                        answer a recorded call offline with the box's engine
  push2 snapshot OUT.png [--from URL] [--page N]
                        Push 2's display as a PNG: the running box's (its web page) or a demo

options:
  --config FILE         antiphon.toml (default: $ANTIPHON_CONFIG, /boot/antiphon.toml, ./antiphon.toml)
  --log json|human      log format (default: human on a terminal, else json)
  --run-for SECONDS     start: stop after this long (demos, tests)
`;

const CONFIG_PLACES = ['/boot/firmware/antiphon.toml', '/boot/antiphon.toml', 'antiphon.toml'];

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  // Offline model tools need neither config nor hardware.
  if (command === 'model') return (await import('./model-command.js')).runModelCommand(rest);
  if (command === 'train') return (await import('./train-command.js')).trainCommand(rest);
  if (command === 'eval') return (await import('./eval-command.js')).evalCommand(rest);
  if (command === 'push2') return (await import('../push2/snapshot-command.js')).push2Command(rest);
  // The model worker's isolate and modules load alongside this thread's, not after them.
  const boxModules = command === 'start' ? await startBoxEarly() : undefined;
  const [{ loadConfig }, { createLogger }, { openHardware }] = await Promise.all([
    import('../system/config.js'),
    import('../system/log.js'),
    import('../system/hardware.js'),
  ]);
  const { values } = parseArgs({
    args: rest,
    options: {
      config: { type: 'string' },
      log: { type: 'string' },
      'run-for': { type: 'string' },
    },
    allowPositionals: true,
    strict: false,
  });
  const out = (line: string): void => void process.stdout.write(`${line}\n`);
  const configFile =
    (values.config as string | undefined) ?? process.env.ANTIPHON_CONFIG ?? CONFIG_PLACES.find((p) => existsSync(p));
  const { config, problems } = loadConfig(configFile);
  const human = values.log === undefined ? process.stderr.isTTY === true : values.log === 'human';
  const log = createLogger(config.log.level, human);
  for (const p of problems) log.error({ file: p.file, key: p.path }, `config: ${p.message}; using the default there`);

  switch (command) {
    case 'start': {
      const runFor = values['run-for'] === undefined ? undefined : Number(values['run-for']) * 1000;
      return (await (boxModules?.box ?? import('./box.js'))).runBox(
        openHardware(),
        config,
        log,
        {
          configProblems: problems,
          ...(boxModules ? { outputThreads: boxModules.outputThreads } : {}),
          ...(runFor === undefined || Number.isNaN(runFor) ? {} : { runForMs: runFor }),
        },
        out,
      );
    }
    case 'respond':
      return (await import('./respond-command.js')).respondCommand(rest, log, out);
    case 'devices':
      return (await import('./devices-command.js')).devicesCommand(openHardware(), out);
    case 'monitor':
      return (await import('./monitor-command.js')).monitorCommand(openHardware(), log, config.devices.poll_ms, out);
    case 'panel':
      return (await import('../panel/panel-command.js')).panelCommand(rest, config, log, out);
    case undefined:
    case 'help':
    case '--help':
      out(USAGE);
      return command === undefined ? 2 : 0;
    default:
      process.stderr.write(`antiphon: unknown command '${command}'\n${USAGE}`);
      return 2;
  }
}

/**
 * `start`: the model worker starts first, then the output threads (their clients are a few
 * small modules, awaited so the threads do not queue behind the CLI's own imports); the box's
 * modules then load alongside the CLI's while the threads' isolates start. Resolves once the
 * threads are started, with the box's modules still on their way.
 */
async function startBoxEarly(): Promise<{
  readonly box: Promise<typeof import('./box.js')>;
  readonly outputThreads: PrestartedOutputThreads;
}> {
  (await import('../voices/generator-worker-client.js')).prestartGeneratorWorker();
  const outputThreads = (await import('../clock/clock-output-prestart.js')).prestartBoxOutputThreads();
  return { box: import('./box.js'), outputThreads };
}

process.on('uncaughtException', (e) => {
  // The box must keep playing: report and carry on; systemd's watchdog catches a stalled loop.
  process.stderr.write(`antiphon: uncaught ${e.stack ?? String(e)}\n`);
});

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`antiphon: ${e instanceof Error && e.stack ? e.stack : errorMessage(e)}\n`);
    process.exit(1);
  },
);
