import type { PinMap } from '../panel-schema.js';

const hex = (n: number): string => `0x${n.toString(16)}`;
const str = (s: string): string => JSON.stringify(s);

function table(name: string, entries: readonly Record<string, unknown>[]): string[] {
  return entries.flatMap((e) => [
    `[[panel.${name}]]`,
    ...Object.entries(e)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${k} = ${typeof v === 'string' ? str(v) : String(v)}`),
    '',
  ]);
}

/** The reference panel as a `[panel]` section for antiphon.toml: what the box uses when `[panel]` is absent. */
export function panelToml(map: PinMap): string {
  return [
    '# Generated from hardware/pinmap.json by src/panel/hardware/generate.ts: edit the pin map, not this file.',
    "# The reference panel as antiphon.toml's [panel] section. The box uses exactly this when [panel] is",
    '# absent; copy it into antiphon.toml to change a control, a pin or what a knob drives.',
    '[panel]',
    'enabled = "auto"           # runs with the parts it finds (one info line); true: each missing part is a warning; false: off',
    'input = "evdev"            # the overlay\'s kernel drivers; "gpio" reads the pins through onoff instead',
    `i2c_bus = ${map.i2c.bus}`,
    `ads1115_address = ${hex(map.i2c.ads1115)}`,
    `pca9685_address = ${hex(map.i2c.pca9685)}`,
    '',
    ...table('encoders', map.encoders),
    ...table('pots', map.pots),
    ...table('buttons', map.buttons),
    ...table('leds', map.leds),
  ].join('\n');
}
