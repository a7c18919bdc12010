/** The Raspberry Pi 40-pin header: physical pin of each BCM GPIO, and the power pins. */
export const PHYSICAL_PIN: Readonly<Record<number, number>> = {
  2: 3,
  3: 5,
  4: 7,
  17: 11,
  27: 13,
  22: 15,
  10: 19,
  9: 21,
  11: 23,
  0: 27,
  5: 29,
  6: 31,
  13: 33,
  19: 35,
  26: 37,
  14: 8,
  15: 10,
  18: 12,
  23: 16,
  24: 18,
  25: 22,
  8: 24,
  7: 26,
  1: 28,
  12: 32,
  16: 36,
  20: 38,
  21: 40,
};

export const POWER_PINS: Readonly<Record<number, string>> = {
  1: '3V3',
  17: '3V3',
  2: '5V',
  4: '5V',
  6: 'GND',
  9: 'GND',
  14: 'GND',
  20: 'GND',
  25: 'GND',
  30: 'GND',
  34: 'GND',
  39: 'GND',
};

export function physicalPin(gpio: number): number {
  const p = PHYSICAL_PIN[gpio];
  if (p === undefined) throw new RangeError(`GPIO ${gpio} is not on the 40-pin header`);
  return p;
}

/** Node and label names from ids: device-tree node names take hyphens. */
export const nodeName = (id: string): string => id.replaceAll('_', '-');
