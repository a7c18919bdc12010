import type { PinMap } from '../panel-schema.js';
import { usedPins } from '../pinmap.js';
import { PHYSICAL_PIN, POWER_PINS } from './header.js';

const esc = (s: string): string =>
  s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
const COLOR: Record<string, string> = {
  encoder: '#1565c0',
  button: '#2e7d32',
  led: '#c62828',
  i2c: '#6a1b9a',
  din: '#ef6c00',
  power: '#616161',
};

function kindOf(map: PinMap, what: string): string {
  const id = what.split('.')[0] ?? '';
  if (map.encoders.some((e) => e.id === id)) return 'encoder';
  if (map.buttons.some((b) => b.id === id)) return 'button';
  if (map.leds.some((l) => l.id === id)) return 'led';
  return id;
}

/**
 * The wiring diagram: the 40-pin header drawn as on the board (pin 1 top left), every used
 * pin labelled with what it connects to, the two I2C chips with their channels, and a link
 * to the DIN circuit note.
 */
export function wiringSvg(map: PinMap): string {
  const byPhys = new Map<number, { gpio: number; what: string; kind: string }>();
  for (const u of usedPins(map)) {
    const phys = PHYSICAL_PIN[u.pin];
    if (phys !== undefined) byPhys.set(phys, { gpio: u.pin, what: u.what, kind: kindOf(map, u.what) });
  }
  const W = 900;
  const top = 60;
  const row = 22;
  const [leftX, rightX] = [420, 450];
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${W}" height="${top + 20 * row + 260}" viewBox="0 0 ${W} ${top + 20 * row + 260}" font-family="sans-serif" font-size="12">`,
    '<!-- Generated from hardware/pinmap.json by src/panel/hardware/generate.ts: edit the pin map, not this file. -->',
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="20" y="28" font-size="18" font-weight="bold">Antiphon reference panel: ${esc(map.board)} header wiring</text>`,
    `<rect x="${leftX - 18}" y="${top - 16}" width="66" height="${20 * row + 10}" rx="6" fill="#263238"/>`,
  ];
  for (let phys = 1; phys <= 40; phys++) {
    const left = phys % 2 === 1;
    const y = top + Math.floor((phys - 1) / 2) * row;
    const x = left ? leftX : rightX;
    const used = byPhys.get(phys);
    const power = POWER_PINS[phys];
    const fill = used ? (COLOR[used.kind] ?? '#000') : power ? COLOR['power'] : '#90a4ae';
    out.push(`<circle cx="${x}" cy="${y}" r="7" fill="${fill}"><title>pin ${phys}</title></circle>`);
    out.push(
      `<text x="${left ? x - 12 : x + 12}" y="${y + 4}" text-anchor="${left ? 'end' : 'start'}" font-size="9" fill="#cfd8dc">${phys}</text>`,
    );
    const label = used ? `GPIO${used.gpio}: ${used.what}` : power;
    if (label)
      out.push(
        `<text x="${left ? x - 34 : x + 34}" y="${y + 4}" text-anchor="${left ? 'end' : 'start'}" fill="${fill}">${esc(label)}</text>`,
      );
  }
  const chipsY = top + 20 * row + 30;
  const chip = (x: number, title: string, lines: string[]): void => {
    out.push(
      `<rect x="${x}" y="${chipsY}" width="260" height="${40 + lines.length * 16}" rx="4" fill="none" stroke="${COLOR['i2c']}" stroke-width="2"/>`,
    );
    out.push(`<text x="${x + 10}" y="${chipsY + 20}" font-weight="bold" fill="${COLOR['i2c']}">${esc(title)}</text>`);
    lines.forEach((l, i) => out.push(`<text x="${x + 10}" y="${chipsY + 40 + i * 16}">${esc(l)}</text>`));
  };
  chip(
    40,
    `ADS1115 ADC @ 0x${map.i2c.ads1115.toString(16)} (I2C${map.i2c.bus}, 3V3)`,
    map.pots.map((p) => `AIN${p.channel}: pot ${p.label ?? p.id} -> ${p.param}${p.voice ? `@${p.voice}` : ''}`),
  );
  chip(
    330,
    `PCA9685 PWM @ 0x${map.i2c.pca9685.toString(16)} (I2C${map.i2c.bus}, 3V3)`,
    map.leds.flatMap((l) =>
      l.pca9685 === undefined
        ? []
        : [`LED${l.pca9685}: ${l.label ?? l.id} (${l.show}${l.voice ? ` ${l.voice}` : ''}, ${l.color ?? ''})`],
    ),
  );
  const noteY = chipsY + 140;
  out.push(
    `<text x="40" y="${noteY}">Encoder contacts and buttons switch to GND (the overlay turns the pull-ups on); LEDs from GPIO through 330 Ω to GND.</text>`,
  );
  out.push(
    `<a xlink:href="${esc(map.din.note)}" href="${esc(map.din.note)}"><text x="40" y="${noteY + 22}" fill="${COLOR['din']}" text-decoration="underline">DIN MIDI in/out on GPIO${map.din.rx}/GPIO${map.din.tx} (UART): circuit in ${esc(map.din.note)}</text></a>`,
  );
  out.push('</svg>', '');
  return out.join('\n');
}

/** The front panel, to scale in mm: encoders and pots across the top, LEDs above the buttons below. */
export function frontPanelSvg(map: PinMap): string {
  const W = 260;
  const H = 120;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}mm" height="${H}mm" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="3.2">`,
    '<!-- Generated from hardware/pinmap.json by src/panel/hardware/generate.ts: edit the pin map, not this file. -->',
    `<rect x="0.5" y="0.5" width="${W - 1}" height="${H - 1}" rx="4" fill="#eceff1" stroke="#37474f"/>`,
    `<text x="8" y="10" font-size="5" font-weight="bold">ANTIPHON</text>`,
  ];
  const shiftOf = (c: { shift_param?: string | undefined; shift_voice?: string | undefined }): string | undefined =>
    c.shift_param === undefined ? undefined : `${c.shift_param}${c.shift_voice ? `@${c.shift_voice}` : ''}`;
  const knobs = [
    ...map.encoders.map((e) => ({ kind: 'enc', label: e.label ?? e.id, shift: shiftOf(e) })),
    ...map.pots.map((p) => ({ kind: 'pot', label: p.label ?? p.id, shift: shiftOf(p) })),
  ];
  const step = (W - 20) / knobs.length;
  knobs.forEach((k, i) => {
    const x = 10 + step * (i + 0.5);
    out.push(
      `<circle cx="${x.toFixed(1)}" cy="35" r="${k.kind === 'enc' ? 9 : 7.5}" fill="${k.kind === 'enc' ? '#263238' : '#455a64'}"/>`,
    );
    out.push(
      `<circle cx="${x.toFixed(1)}" cy="35" r="3.5" fill="none" stroke="#b0bec5" stroke-width="0.4"><title>${k.kind === 'enc' ? 'encoder, 7 mm hole' : 'pot, 7 mm hole'}</title></circle>`,
    );
    out.push(`<text x="${x.toFixed(1)}" y="52" text-anchor="middle">${esc(k.label)}</text>`);
    if (k.shift)
      out.push(`<text x="${x.toFixed(1)}" y="57" text-anchor="middle" fill="#1565c0">⇧ ${esc(k.shift)}</text>`);
  });
  const ledStep = (W - 20) / map.leds.length;
  map.leds.forEach((l, i) => {
    const x = 10 + ledStep * (i + 0.5);
    out.push(
      `<circle cx="${x.toFixed(1)}" cy="72" r="2.5" fill="${esc(l.color ?? 'red')}" stroke="#37474f" stroke-width="0.3"><title>3 mm LED</title></circle>`,
    );
    out.push(`<text x="${x.toFixed(1)}" y="79" text-anchor="middle">${esc(l.label ?? l.id)}</text>`);
  });
  const btnStep = (W - 20) / map.buttons.length;
  map.buttons.forEach((b, i) => {
    const x = 10 + btnStep * (i + 0.5);
    out.push(
      `<rect x="${(x - 6).toFixed(1)}" y="88" width="12" height="12" rx="2" fill="#fafafa" stroke="#37474f" stroke-width="0.6"><title>12 mm tactile switch</title></rect>`,
    );
    out.push(`<text x="${x.toFixed(1)}" y="108" text-anchor="middle">${esc(b.label ?? b.id)}</text>`);
  });
  out.push('</svg>', '');
  return out.join('\n');
}
