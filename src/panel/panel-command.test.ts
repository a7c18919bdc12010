import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { parameterNamed } from '../control/parameters.js';
import { resolveConfig } from '../system/config.js';
import { EV_KEY, EV_REL, eventPacket } from './evdev-records.js';
import { SimGpio } from './gpio-sim.js';
import { SimInputSource } from './input-source.js';
import { PANEL_HELP, panelCommand } from './panel-command.js';

const DEV = 'platform-antiphon-keys-event';

describe('antiphon panel', () => {
  it('explains itself with --help', async () => {
    const out: string[] = [];
    const { config } = resolveConfig({}, 'x.toml');
    expect(await panelCommand(['--help'], config, pino({ level: 'silent' }), (t) => out.push(t))).toBe(0);
    expect(out.join('')).toBe(PANEL_HELP);
    expect(PANEL_HELP).toMatch(/checking the wiring/);
  });

  it('shows devices, counts, buttons, the parameters the knobs drive and the LEDs, live', async () => {
    const { config } = resolveConfig({ perform: { voices: [{ name: 'A' }, { name: 'B' }] } }, 'x.toml');
    const input = new SimInputSource([DEV]);
    const gpio = new SimGpio();
    const out: string[] = [];
    const running = panelCommand(
      ['--for', '1.6'],
      config,
      pino({ level: 'silent' }),
      (t) => out.push(t),
      () => ({ input, gpio, ledsDir: '/nonexistent', missing: [] }),
    );
    await new Promise((r) => setTimeout(r, 300));
    input.emit(DEV, eventPacket(EV_REL, 0, 1, 1000));
    input.emit(DEV, eventPacket(EV_REL, 0, 1, 1300));
    input.emit(DEV, eventPacket(EV_KEY, 263, 1, 1400)); // panic held down
    expect(await running).toBe(0);
    const screen = out.at(-1) ?? '';
    expect(screen).toContain(`devices: ${DEV}`);
    const t = (Number(parameterNamed('temperature')?.default) + 0.1).toFixed(2);
    expect(screen).toMatch(new RegExp(`enc1 +Temp A +count +2 .*temperature@A = ${t} +\\| shift: top_k@A = off`));
    expect(screen).toMatch(/panic +panic +DOWN/);
    expect(screen).toMatch(/LEDs: listening [●◐○] +beat [●○]/);
  });
});
