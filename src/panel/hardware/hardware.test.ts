import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PANEL_SCHEMA, defaultPanelConfig } from '../panel-config.js';
import { PIN_MAP_FILE, PinMapError, loadPinMap, usedPins } from '../pinmap.js';
import { generatedFiles } from './generate.js';
import { physicalPin } from './header.js';
import { gpiosInOverlay } from './overlay.js';

const HW = dirname(PIN_MAP_FILE);
const map = loadPinMap();
const files = generatedFiles(map);

describe('hardware/: one pin map, and everything generated from it agrees', () => {
  it('the checked-in files are what the pin map generates (run src/panel/hardware/generate.ts after editing it)', () => {
    for (const [name, text] of Object.entries(files)) expect(readFileSync(join(HW, name), 'utf8'), name).toBe(text);
  });

  it('the overlay puts every encoder, key and LED on its pin-map GPIO', () => {
    const gpios = gpiosInOverlay(readFileSync(join(HW, 'antiphon-panel.dts'), 'utf8'));
    for (const e of map.encoders) {
      expect(gpios.get(`antiphon-${e.id}`), e.id).toEqual([e.a, e.b]);
      expect(gpios.get(`${e.id}-push`), `${e.id} push`).toEqual([e.push]);
    }
    for (const b of map.buttons) expect(gpios.get(b.id.replaceAll('_', '-')), b.id).toEqual([b.pin]);
    for (const l of map.leds.filter((x) => x.pin !== undefined))
      expect(gpios.get(`led-${l.id.replaceAll('_', '-')}`), l.id).toEqual([l.pin]);
    const all = [...gpios.values()].flat().sort((a, b) => a - b);
    expect(new Set(all).size).toBe(all.length);
  });

  it("panel.toml, read as antiphon.toml would be, is the box's default [panel]", () => {
    const toml = parseToml(readFileSync(join(HW, 'panel.toml'), 'utf8')) as { panel: unknown };
    expect(PANEL_SCHEMA.parse(toml.panel)).toEqual(defaultPanelConfig());
    expect(defaultPanelConfig().encoders).toEqual(map.encoders);
  });

  it('the wiring table has a row for every pin used, with its header pin', () => {
    const table = readFileSync(join(HW, 'wiring.md'), 'utf8');
    for (const u of usedPins(map)) expect(table).toMatch(new RegExp(`\\| ${physicalPin(u.pin)} \\| ${u.pin} \\|`));
  });

  it('the drawings show every pin and control, and the wiring diagram links the DIN note', () => {
    const wiring = readFileSync(join(HW, 'wiring.svg'), 'utf8');
    const front = readFileSync(join(HW, 'front-panel.svg'), 'utf8');
    for (const u of usedPins(map)) expect(wiring).toContain(`GPIO${u.pin}: ${u.what}`);
    expect(wiring).toContain(`href="${map.din.note}"`);
    expect(existsSync(join(HW, map.din.note))).toBe(true);
    for (const c of [...map.encoders, ...map.pots, ...map.buttons, ...map.leds])
      expect(front).toContain(`>${c.label ?? c.id}<`);
    for (const svg of [wiring, front]) expect(svg.trim()).toMatch(/^<svg[\s\S]*<\/svg>$/);
  });

  it('a pin map that uses a GPIO twice is refused, naming both uses', () => {
    const dir = mkdtempSync(join(tmpdir(), 'antiphon-pinmap-'));
    const raw = JSON.parse(readFileSync(PIN_MAP_FILE, 'utf8')) as { buttons: { pin: number }[] };
    const first = raw.buttons[0];
    if (first) first.pin = 17;
    writeFileSync(join(dir, 'pinmap.json'), JSON.stringify(raw));
    expect(() => loadPinMap(join(dir, 'pinmap.json'))).toThrow(PinMapError);
    expect(() => loadPinMap(join(dir, 'pinmap.json'))).toThrow(/GPIO 17 is used by both enc1.a and mode.pin/);
    rmSync(dir, { recursive: true });
  });
});

describe('the overlay on the Raspberry Pi 4 device tree from Debian', () => {
  let work: string;
  let base: string;
  const run = (cmd: string, args: string[]): string =>
    execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

  beforeAll(() => {
    // Installs device-tree-compiler and fetches bcm2711-rpi-4-b.dtb from Debian's arm64 kernel
    // package once (cached); fails loudly if it cannot.
    const dtb = execFileSync('bash', [join(HW, 'scripts', 'fetch-rpi4-dtb.sh')], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      timeout: 600_000,
    }).trim();
    work = mkdtempSync(join(tmpdir(), 'antiphon-dt-'));
    base = join(work, 'base.dtb');
    copyFileSync(dtb, base);
  }, 620_000);
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('compiles with dtc and applies with fdtoverlay; the kernel drivers land on the right GPIOs', () => {
    const dtbo = join(work, 'antiphon-panel.dtbo');
    run('dtc', [
      '-@',
      '-Wno-unit_address_vs_reg',
      '-I',
      'dts',
      '-O',
      'dtb',
      '-o',
      dtbo,
      join(HW, 'antiphon-panel.dts'),
    ]);
    // Debian builds its .dtb without -@: the labels an overlay targets (&gpio, &i2c1) are not
    // exported. The Pi firmware's own .dtb has them; give Debian's the two this overlay uses,
    // with i2c1's phandle (nothing in the base refers to it, so dtc gave it none).
    const decompiled = run('dtc', ['-I', 'dtb', '-O', 'dts', base]);
    const maxPhandle = Math.max(...[...decompiled.matchAll(/phandle = <(0x[0-9a-f]+)>/g)].map((m) => Number(m[1])));
    run('fdtput', ['-c', base, '/__symbols__']);
    run('fdtput', ['-t', 's', base, '/__symbols__', 'gpio', '/soc/gpio@7e200000']);
    run('fdtput', ['-t', 's', base, '/__symbols__', 'i2c1', '/soc/i2c@7e804000']);
    run('fdtput', ['-t', 'x', base, '/soc/i2c@7e804000', 'phandle', (maxPhandle + 1).toString(16)]);
    const merged = join(work, 'merged.dtb');
    run('fdtoverlay', ['-i', base, '-o', merged, dtbo]);

    const get = (node: string, prop: string, type = 's'): string =>
      run('fdtget', ['-t', type, merged, node, prop]).trim();
    const gpioPhandle = Number(`0x${get('/soc/gpio@7e200000', 'phandle', 'x')}`);
    expect(get('/soc/i2c@7e804000', 'status')).toBe('okay');
    for (const e of map.encoders) {
      const node = `/antiphon-${e.id}`;
      expect(get(node, 'compatible')).toBe('rotary-encoder');
      expect(get(node, 'gpios', 'u').split(' ').map(Number)).toEqual([gpioPhandle, e.a, 1, gpioPhandle, e.b, 1]);
      expect(Number(get(node, 'linux,axis', 'u'))).toBe(e.axis);
    }
    expect(get('/antiphon-keys', 'compatible')).toBe('gpio-keys');
    for (const b of map.buttons) {
      const node = `/antiphon-keys/${b.id.replaceAll('_', '-')}`;
      expect(get(node, 'gpios', 'u').split(' ').map(Number)).toEqual([gpioPhandle, b.pin, 1]);
      expect(Number(get(node, 'linux,code', 'u'))).toBe(b.code);
    }
    for (const l of map.leds.filter((x) => x.pin !== undefined))
      expect(get(`/antiphon-leds/led-${l.id.replaceAll('_', '-')}`, 'label')).toBe(`antiphon:${l.id}`);
    // The pull-ups live in the base's own pin controller now.
    const keysPins = get('/soc/gpio@7e200000/antiphon_keys_pins', 'brcm,pins', 'u').split(' ').map(Number);
    expect(keysPins).toEqual([...map.encoders.map((e) => e.push), ...map.buttons.map((b) => b.pin)]);
  });
});
