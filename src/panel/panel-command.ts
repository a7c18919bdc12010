import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { BoxEvent } from '../box/bus-types.js';
import type { SurfaceContext } from '../box/surface.js';
import { nodeTimers, type Timers } from '../clock/timers.js';
import { formatValue } from '../control/parameter-math.js';
import { parameterNamed } from '../control/parameters.js';
import type { Config } from '../system/config.js';
import type { Logger } from '../system/log.js';
import { BenchBus } from './bench-bus.js';
import { openPanelHardware, type PanelHardware } from './panel-hardware.js';
import { PanelSurface, type PanelStatus } from './panel-surface.js';

export const PANEL_HELP = `antiphon panel [--for SECONDS] [--leds states|off]

Shows the panel's live state in the terminal, for checking the wiring: which input devices
and I2C chips were found, every encoder's count, button and pot, the parameters the knobs
drive, and each LED. Turn, press and watch the screen follow. Nothing is saved: learned CCs
and values go to a scratch folder, and no models, MIDI or clock run.

The panel is read as the box reads it, from [panel] in antiphon.toml (default: the reference
panel of hardware/pinmap.json): evdev devices under evdev_dir starting with evdev_prefix, or the
GPIO fallback (input = "gpio"), the ADS1115 and PCA9685 on i2c_bus.

  --leds states   (default) play the box's states so each LED shows its job: listening,
                  answering A then B, the beat, an external clock, recording, a learn blink,
                  and each error pattern in turn (1 blink: config ... 7: command)
  --leds off      leave the LEDs to the controls (learn blinks while held)
  --for SECONDS   stop after this long (default: until Ctrl-C)
`;

/** One screen of `antiphon panel`. */
export function renderStatus(config: Config['panel'], s: PanelStatus, bus: BenchBus): string {
  const snap = bus.snapshot();
  const valueOf = (param: string, voice?: string): string => {
    const p = parameterNamed(param);
    const v =
      voice === undefined || p?.scope === 'global'
        ? (snap.parameters.global[param] ?? snap.parameters.voices[0]?.values[param])
        : snap.parameters.voices.find((x) => x.name === voice)?.values[param];
    return p && v !== undefined ? formatValue(p, v) : '-';
  };
  const target = (param: string, voice?: string): string =>
    `${param}${voice ? `@${voice}` : ''} = ${valueOf(param, voice)}`;
  const lines = [
    `ANTIPHON PANEL  input: ${config.input}  devices: ${s.inputDevices.join(', ') || 'none found'}`,
    `chips: ${s.chips.map((c) => `${c.name} ${c.up ? 'OK' : 'NOT ANSWERING'}`).join('; ') || 'none configured'}`,
    `shift: ${s.shift ? 'HELD' : 'off'}  learn: ${s.learning ? `HELD${s.learnCc === undefined ? ' (move a CC)' : ` (CC ${s.learnCc}: touch a control)`}` : 'off'}  last: ${s.lastAction || '-'}`,
    '',
    ...config.encoders.map(
      (e) =>
        `${e.id.padEnd(6)} ${(e.label ?? '').padEnd(8)} count ${String(s.readings.encoders.get(e.id) ?? 0).padStart(4)}  push ${s.readings.buttons.get(`${e.id}.push`) ? 'DOWN' : 'up  '}  ${target(e.param, e.voice)}${e.shift_param ? `  | shift: ${target(e.shift_param, e.shift_voice)}` : ''}`,
    ),
    ...config.pots.map(
      (p) =>
        `${p.id.padEnd(6)} ${(p.label ?? '').padEnd(8)} ${s.readings.pots.has(p.id) ? `${((s.readings.pots.get(p.id) ?? 0) * 100).toFixed(1).padStart(5)}%` : '   - '} ${s.potsEngaged.get(p.id) ? 'engaged' : 'pickup '}  ${target(p.param, p.voice)}`,
    ),
    ...config.buttons.map(
      (b) => `${b.id.padEnd(9)} ${b.action.padEnd(9)} ${s.readings.buttons.get(b.id) ? 'DOWN' : 'up'}`,
    ),
    '',
    `LEDs: ${config.leds.map((l) => `${l.id} ${(s.leds.get(l.id) ?? 0) >= 0.5 ? '●' : (s.leds.get(l.id) ?? 0) > 0 ? '◐' : '○'}`).join('  ')}`,
  ];
  return lines.join('\n');
}

/** The scripted LED states for `--leds states`: one scene every two seconds, looping. */
function ledScene(i: number, now: number): BoxEvent[] {
  const clock = (locked: boolean): BoxEvent => ({
    kind: 'clock',
    clock: { source: locked ? 'external' : 'internal', mode: 'auto', tempo: 120, locked },
  });
  const scenes: BoxEvent[][] = [
    [{ kind: 'engine', state: 'listening' }],
    [
      { kind: 'engine', state: 'responding' },
      { kind: 'generated', voice: 'A', model: 'default', steps: 32, ms: 5 },
    ],
    [{ kind: 'generated', voice: 'B', model: 'default', steps: 32, ms: 5 }],
    [{ kind: 'engine', state: 'idle' }, clock(true)],
    [
      clock(false),
      {
        kind: 'problem',
        problem: {
          level: 'error',
          code:
            (['config', 'model', 'device', 'recording', 'settings', 'generation', 'command'] as const)[
              Math.floor(i / 5) % 7
            ] ?? 'config',
          message: 'LED test',
          atMs: now,
        },
      },
    ],
  ];
  return scenes[i % scenes.length] ?? [];
}

export async function panelCommand(
  args: readonly string[],
  config: Config,
  log: Logger,
  out: (text: string) => void,
  hardware: (timers: Timers) => PanelHardware = (t) => openPanelHardware(config.panel, t),
): Promise<number> {
  const { values } = parseArgs({
    args: [...args],
    options: { for: { type: 'string' }, leds: { type: 'string', default: 'states' }, help: { type: 'boolean' } },
    strict: false,
  });
  if (values.help) {
    out(PANEL_HELP);
    return 0;
  }
  const leds = String(values.leds);
  if (!['states', 'off'].includes(leds)) {
    process.stderr.write(`antiphon panel: --leds must be states or off (got '${leds}')\n`);
    return 2;
  }
  const now = (): number => performance.now();
  const bus = new BenchBus(config.perform.parameters, config.perform.models, now);
  const scratch = mkdtempSync(join(tmpdir(), 'antiphon-panel-check-'));
  // Checking the wiring: every part the config names is expected, so each missing one is a warning.
  const panelConfig = { ...config.panel, enabled: true };
  const surface = new PanelSurface({ config: panelConfig, dataDir: scratch, hardware });
  const ctx: SurfaceContext = {
    bus,
    timers: nodeTimers,
    now,
    log,
    devices: () => [],
    onDeviceMessage: () => () => undefined,
    onDevicesChanged: () => () => undefined,
    sendToDevice: () => false,
    learnCc: (cc, target) => log.info({ cc, target }, 'learned (not saved by antiphon panel)'),
    report: (level, code, message) => bus.emit({ kind: 'problem', problem: { level, code, message, atMs: now() } }),
    at: (atMs, fn) => nodeTimers.after(Math.max(0, atMs - now()), fn),
  };
  await surface.start(ctx);
  const tty = process.stdout.isTTY === true;
  let scene = 0;
  let last = '';
  const handles = [
    nodeTimers.every(tty ? 100 : 500, () => {
      const screen = renderStatus(panelConfig, surface.status(), bus);
      if (screen === last) return;
      last = screen;
      out(tty ? `\x1b[H\x1b[2J${screen}` : `${screen}\n`);
    }),
    nodeTimers.every(500, () => bus.emit({ kind: 'beat', bar: Math.floor(scene / 4), beat: scene % 4, atMs: now() })),
    ...(leds === 'states' ? [nodeTimers.every(2000, () => ledScene(scene++, now()).forEach((e) => bus.emit(e)))] : []),
  ];
  const done = new Promise<void>((resolve) => {
    const seconds = Number(values.for);
    if (values.for !== undefined && Number.isFinite(seconds)) handles.push(nodeTimers.after(seconds * 1000, resolve));
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await done;
  for (const h of handles) h.cancel();
  await surface.stop();
  rmSync(scratch, { recursive: true, force: true });
  return 0;
}
