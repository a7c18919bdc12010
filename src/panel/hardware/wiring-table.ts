import type { PinMap } from '../panel-schema.js';
import { physicalPin } from './header.js';
import { usedPins } from '../pinmap.js';

/** The wiring as a Markdown table: one row per header pin used, then the I2C chips' channels. */
export function wiringTable(map: PinMap): string {
  const rows = usedPins(map)
    .map((u) => ({ ...u, phys: physicalPin(u.pin) }))
    .sort((a, b) => a.phys - b.phys);
  const describe = (what: string): string => {
    const [id = '', part = ''] = what.split('.');
    const enc = map.encoders.find((e) => e.id === id);
    if (enc)
      return `encoder ${enc.label ?? id} (${enc.param}${enc.voice ? `@${enc.voice}` : ''}): ${part === 'push' ? 'push switch' : `contact ${part.toUpperCase()}`}`;
    const btn = map.buttons.find((b) => b.id === id);
    if (btn) return `button ${btn.label ?? id} (${btn.action})`;
    const led = map.leds.find((l) => l.id === id);
    if (led)
      return `LED ${led.label ?? id} (${led.show}${led.voice ? ` ${led.voice}` : ''}, ${led.color ?? ''}) through 330 Ω`;
    if (id === 'i2c') return `I2C ${part.toUpperCase()} (ADS1115, PCA9685)`;
    if (id === 'din') return `DIN MIDI ${part === 'tx' ? 'out' : 'in'} (see din-midi.md)`;
    return what;
  };
  return [
    '| header pin | GPIO | connects to |',
    '|---:|---:|---|',
    ...rows.map((r) => `| ${r.phys} | ${r.pin} | ${describe(r.what)} |`),
    '',
    `| ADS1115 (0x${map.i2c.ads1115.toString(16)}) input | pot | drives |`,
    '|---|---|---|',
    ...map.pots.map(
      (p) =>
        `| AIN${p.channel} | ${p.label ?? p.id} | ${p.param}${p.voice ? `@${p.voice}` : ''}${p.shift_param ? `, shift: ${p.shift_param}${p.shift_voice ? `@${p.shift_voice}` : ''}` : ''} |`,
    ),
    '',
    `| PCA9685 (0x${map.i2c.pca9685.toString(16)}) channel | LED | shows |`,
    '|---|---|---|',
    ...map.leds.flatMap((l) =>
      l.pca9685 === undefined
        ? []
        : [`| LED${l.pca9685} | ${l.label ?? l.id} (${l.color ?? ''}) | ${l.show}${l.voice ? ` ${l.voice}` : ''} |`],
    ),
    '',
  ].join('\n');
}
