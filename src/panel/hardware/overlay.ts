import type { PinMap } from '../panel-schema.js';
import { nodeName } from './header.js';

const ACTIVE_LOW = 1;
const ACTIVE_HIGH = 0;
/** BCM2835/2711 pinctrl: function 0 = input, 1 = output; pull 2 = up. */
const FN_IN = 0;
const FN_OUT = 1;
const PULL_UP = 2;
const PULL_NONE = 0;

const cells = (xs: readonly number[]): string => `<${xs.join(' ')}>`;
const pinGroup = (label: string, pins: readonly number[], fn: number, pull: number): string[] => [
  `\t\t\t${label}: ${label} {`,
  `\t\t\t\tbrcm,pins = ${cells(pins)};`,
  `\t\t\t\tbrcm,function = ${cells(pins.map(() => fn))};`,
  `\t\t\t\tbrcm,pull = ${cells(pins.map(() => pull))};`,
  '\t\t\t};',
];

/**
 * The device-tree overlay for the reference panel: the kernel's rotary-encoder (one input
 * device per encoder, EV_REL on its axis), gpio-keys (every push and button, one device) and
 * gpio-leds (`antiphon:<id>` under /sys/class/leds), with the pins' pulls, and I2C1 on for the
 * ADS1115 and PCA9685. Input devices appear as /dev/input/by-path/platform-antiphon-*-event.
 */
export function overlaySource(map: PinMap): string {
  const encoders = map.encoders.filter((e) => e.a !== undefined && e.b !== undefined);
  const keys = [
    ...map.encoders.flatMap((e) =>
      e.push !== undefined && e.push_code !== undefined
        ? [{ id: `${e.id}_push`, label: `${e.label ?? e.id} push`, pin: e.push, code: e.push_code }]
        : [],
    ),
    ...map.buttons.flatMap((b) =>
      b.pin === undefined ? [] : [{ id: b.id, label: b.label ?? b.id, pin: b.pin, code: b.code }],
    ),
  ];
  const leds = map.leds.flatMap((l) => (l.pin === undefined ? [] : [{ id: l.id, pin: l.pin }]));
  const lines = [
    '// Generated from hardware/pinmap.json by src/panel/hardware/generate.ts: edit the pin map, not this file.',
    '// Build: dtc -@ -I dts -O dtb -o antiphon-panel.dtbo antiphon-panel.dts; copy to /boot/firmware/overlays/',
    '// and add "dtoverlay=antiphon-panel" to config.txt.',
    '/dts-v1/;',
    '/plugin/;',
    '',
    '/ {',
    '\tcompatible = "brcm,bcm2711", "brcm,bcm2835";',
    '',
    '\tfragment@0 {',
    '\t\ttarget = <&gpio>;',
    '\t\t__overlay__ {',
    ...encoders.flatMap((e) => pinGroup(`antiphon_${e.id}_pins`, [e.a ?? 0, e.b ?? 0], FN_IN, PULL_UP)),
    ...pinGroup(
      'antiphon_keys_pins',
      keys.map((k) => k.pin),
      FN_IN,
      PULL_UP,
    ),
    ...pinGroup(
      'antiphon_leds_pins',
      leds.map((l) => l.pin),
      FN_OUT,
      PULL_NONE,
    ),
    '\t\t};',
    '\t};',
    '',
    '\tfragment@1 {',
    '\t\ttarget = <&i2c1>;',
    '\t\t__overlay__ {',
    '\t\t\tstatus = "okay";',
    '\t\t\tclock-frequency = <400000>;',
    '\t\t};',
    '\t};',
    '',
    '\tfragment@2 {',
    '\t\ttarget-path = "/";',
    '\t\t__overlay__ {',
    ...encoders.flatMap((e) => [
      `\t\t\tantiphon-${nodeName(e.id)} {`,
      '\t\t\t\tcompatible = "rotary-encoder";',
      '\t\t\t\tpinctrl-names = "default";',
      `\t\t\t\tpinctrl-0 = <&antiphon_${e.id}_pins>;`,
      `\t\t\t\tgpios = <&gpio ${e.a ?? 0} ${ACTIVE_LOW}>, <&gpio ${e.b ?? 0} ${ACTIVE_LOW}>;`,
      `\t\t\t\tlinux,axis = <${e.axis}>;`,
      '\t\t\t\trotary-encoder,relative-axis;',
      '\t\t\t\trotary-encoder,steps-per-period = <1>;',
      '\t\t\t};',
    ]),
    '\t\t\tantiphon-keys {',
    '\t\t\t\tcompatible = "gpio-keys";',
    '\t\t\t\tpinctrl-names = "default";',
    '\t\t\t\tpinctrl-0 = <&antiphon_keys_pins>;',
    ...keys.flatMap((k) => [
      `\t\t\t\t${nodeName(k.id)} {`,
      `\t\t\t\t\tlabel = "${k.label}";`,
      `\t\t\t\t\tgpios = <&gpio ${k.pin} ${ACTIVE_LOW}>;`,
      `\t\t\t\t\tlinux,code = <${k.code}>;`,
      '\t\t\t\t\tdebounce-interval = <10>;',
      '\t\t\t\t};',
    ]),
    '\t\t\t};',
    '\t\t\tantiphon-leds {',
    '\t\t\t\tcompatible = "gpio-leds";',
    '\t\t\t\tpinctrl-names = "default";',
    '\t\t\t\tpinctrl-0 = <&antiphon_leds_pins>;',
    ...leds.flatMap((l) => [
      `\t\t\t\tled-${nodeName(l.id)} {`,
      `\t\t\t\t\tlabel = "antiphon:${l.id}";`,
      `\t\t\t\t\tgpios = <&gpio ${l.pin} ${ACTIVE_HIGH}>;`,
      '\t\t\t\t\tdefault-state = "off";',
      '\t\t\t\t};',
    ]),
    '\t\t\t};',
    '\t\t};',
    '\t};',
    '};',
    '',
  ];
  return lines.join('\n');
}

/** Every `<&gpio N flags>` in an overlay source with the node it sits in: for the agreement test. */
export function gpiosInOverlay(source: string): Map<string, number[]> {
  const out = new Map<string, number[]>();
  const stack: string[] = [];
  for (const line of source.split('\n')) {
    const open = /^\s*(?:[\w-]+:\s*)?([\w@,.+-]+)\s*\{\s*$/.exec(line);
    if (open?.[1]) stack.push(open[1]);
    else if (/^\s*\};\s*$/.test(line)) stack.pop();
    const pins = [...line.matchAll(/<&gpio (\d+) \d+>/g)].map((m) => Number(m[1]));
    if (pins.length > 0) out.set(stack.at(-1) ?? '', pins);
  }
  return out;
}
