import { GpioError, type GpioLine, type GpioLines } from './gpio-lines.js';

/** Simulated header lines: a test drives inputs (as the active-low level the app reads) and reads outputs. */
export class SimGpio implements GpioLines {
  readonly kind = 'simulator';
  readonly #levels = new Map<number, 0 | 1>();
  readonly #watchers = new Map<number, (v: 0 | 1) => void>();
  readonly #opened = new Set<number>();

  constructor(
    readonly chip = { label: 'pinctrl-bcm2711', base: 512 },
    private readonly lines = 28,
  ) {}

  input(pin: number, onChange: (value: 0 | 1) => void): GpioLine {
    this.#claim(pin);
    this.#watchers.set(pin, onChange);
    return { pin, value: () => this.#levels.get(pin) ?? 0 };
  }

  output(pin: number): GpioLine & { write(value: 0 | 1): void } {
    this.#claim(pin);
    return { pin, value: () => this.#levels.get(pin) ?? 0, write: (v) => void this.#levels.set(pin, v) };
  }

  /** Sets an input's level; its watcher hears only a change. */
  drive(pin: number, value: 0 | 1): void {
    if ((this.#levels.get(pin) ?? 0) === value) return;
    this.#levels.set(pin, value);
    this.#watchers.get(pin)?.(value);
  }

  level(pin: number): 0 | 1 {
    return this.#levels.get(pin) ?? 0;
  }

  get opened(): readonly number[] {
    return [...this.#opened];
  }

  close(): void {
    this.#opened.clear();
    this.#watchers.clear();
  }

  #claim(pin: number): void {
    if (!Number.isInteger(pin) || pin < 0 || pin >= this.lines)
      throw new GpioError(`GPIO ${pin} (line ${this.chip.base + pin} of ${this.chip.label}): no such line`);
    if (this.#opened.has(pin)) throw new GpioError(`GPIO ${pin} (line ${this.chip.base + pin}): already in use`);
    this.#opened.add(pin);
  }
}
