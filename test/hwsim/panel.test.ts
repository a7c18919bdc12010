/**
 * The panel on real kernel devices in the hw-sim VM.
 *
 * Buttons and LEDs: x86 has no device tree to overlay, so a small module of ours
 * (panel-oot/, built here against the VM kernel's headers) registers the kernel's own
 * gpio-keys and leds-gpio drivers on gpio-sim lines, as the overlay does on a Pi.
 * Encoders: Debian's amd64 6.1 kernel has no rotary_encoder module (its arm64 kernel has), and
 * its source is not kept after hw-sim.sh prepare, so a uinput device stands in as the real
 * /dev/input source for turns: the reader under test (non-blocking file, epoll, the kernel's
 * record layout and timestamps) is the box's own. gpio-sim also drives the onoff fallback
 * through the real sysfs GPIO interface with a non-zero chip base; i2c-stub plays the ADS1115
 * and the PCA9685.
 */
import { cpSync, existsSync, mkdtempSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gpioLinesContract } from '../contract/gpio-lines.contract.js';
import { i2cBusContract } from '../contract/i2c-bus.contract.js';
import { panelInputContract } from '../contract/panel-input.contract.js';
import { startSimBox } from '../support/sim-box.js';
import { playKickCall, SIM_DRUM_PAD } from '../support/sim-devices.js';
import { parameterNamed } from '../../src/control/parameters.js';
import { nodeTimers } from '../../src/clock/timers.js';
import { Ads1115 } from '../../src/panel/ads1115.js';
import { EV_REL, eventPacket } from '../../src/panel/evdev-records.js';
import { EvdevInputSource } from '../../src/panel/evdev-source.js';
import { SysfsLed } from '../../src/panel/led-sinks.js';
import { OnoffGpio } from '../../src/panel/gpio-onoff.js';
import { swap16 } from '../../src/panel/i2c-bus.js';
import { NodeI2CBus } from '../../src/panel/i2c-node.js';
import { PANEL_SCHEMA } from '../../src/panel/panel-config.js';
import { PanelSurface } from '../../src/panel/panel-surface.js';
import { Pca9685 } from '../../src/panel/pca9685.js';
import { removeLinkDir, UinputDevice } from './panel-devices.js';
import { createGpioSim, type GpioSimChip } from './support/gpio-sim.js';
import { i2cDevicePresent, loadI2cStub, removeI2cStub } from './support/i2c-stub.js';
import { loadModule, runTool } from './support/kmod.js';
import { sleep, waitFor } from './support/wait.js';

const SIM_LABEL = 'antiphon-panel-sim';
const T0 = Number(parameterNamed('temperature')?.default);
const hex = (n: number): string => `0x${n.toString(16).padStart(2, '0')}`;
const i2cgetAt = async (bus: number, address: number, reg: number, word = false): Promise<number> =>
  Number((await runTool('i2cget', ['-y', String(bus), hex(address), hex(reg), ...(word ? ['w'] : [])])).trim());
const i2cget = (bus: number, reg: number, word = false): Promise<number> => i2cgetAt(bus, 0x48, reg, word);

describe('panel input: a real kernel event device (uinput)', () => {
  const devices = new Map<string, UinputDevice>();
  let dir = '';
  panelInputContract(
    'evdev on /dev/input (uinput in the VM kernel)',
    async () => {
      dir = mkdtempSync('/tmp/panel-by-path-');
      const source = new EvdevInputSource({ dir, prefix: 'platform-antiphon-', timers: nodeTimers, rescanMs: 60_000 });
      return {
        source,
        plug: async (name) => void devices.set(name, await UinputDevice.create(dir, name)),
        write: async (name, events) => devices.get(name)?.write(events),
        overrun: async (name, events) => devices.get(name)?.writeStalled(events),
        unplug: async (name) => {
          await devices.get(name)?.destroy();
          devices.delete(name);
        },
        dispose: async () => {
          for (const d of devices.values()) await d.destroy();
          devices.clear();
          removeLinkDir(dir);
        },
      };
    },
    ['platform-antiphon-keys-event', 'platform-antiphon-enc1-event'],
  );
});

describe('panel GPIO fallback: onoff on gpio-sim lines', () => {
  let chip: GpioSimChip | undefined;
  gpioLinesContract('onoff over sysfs on a gpio-sim chip', async () => {
    chip = await createGpioSim('antiphon-panel', SIM_LABEL, 28);
    // Released buttons: lines pulled up (active-low reads 0).
    for (const pin of [17, 27]) chip.setPull(pin, 'pull-up');
    const c = chip;
    return {
      gpio: new OnoffGpio('/sys/class/gpio', ['pinctrl-bcm2711', SIM_LABEL]),
      base: c.sysfsBase,
      pins: [17, 27, 10],
      missingPin: 40,
      drive: async (pin, level) => c.setPull(pin, level === 1 ? 'pull-down' : 'pull-up'),
      sense: async (pin) => c.value(pin),
      dispose: async () => c.remove(),
    };
  });

  it('drives the box through the fallback: a turn and a press reach the bus, the error LED lights its gpio-sim line', async () => {
    const sim_ = await createGpioSim('antiphon-panel-box', SIM_LABEL, 28);
    const config = PANEL_SCHEMA.parse({
      input: 'gpio',
      gpio_chip_labels: [SIM_LABEL],
      ads1115_address: 0,
      pca9685_address: 0,
      leds: [{ id: 'error', show: 'error', pin: 12 }],
    });
    for (const pin of [...config.encoders.flatMap((e) => [e.a, e.b, e.push]), ...config.buttons.map((b) => b.pin)])
      if (pin !== undefined) sim_.setPull(pin, 'pull-up');
    const gpio = new OnoffGpio(config.gpio_dir, config.gpio_chip_labels);
    expect(gpio.chip.base).toBe(sim_.sysfsBase);
    expect(gpio.chip.base).toBeGreaterThan(0);
    const dataDir = mkdtempSync('/tmp/panel-gpio-');
    const panel = new PanelSurface({
      config,
      dataDir,
      hardware: () => ({ gpio, ledsDir: '/nonexistent', missing: [] }),
    });
    const sim = await startSimBox({
      config: { data: { dir: dataDir }, perform: { tempo_bpm: 120 } },
      surfaces: [panel],
    });
    const pause = (): Promise<void> => new Promise((r) => setTimeout(r, 150));
    try {
      // One detent forward on enc1 (A = GPIO17, B = GPIO27; active-low, so "on" is pulled down).
      for (const [pin, pull] of [
        [17, 'pull-down'],
        [27, 'pull-down'],
        [17, 'pull-up'],
        [27, 'pull-up'],
      ] as const) {
        sim_.setPull(pin, pull);
        await pause();
      }
      const temperature = (): number => Number(sim.box.snapshot().parameters.voices[0]?.values['temperature']);
      await waitFor(() => Math.abs(temperature() - (T0 + 0.05)) < 1e-9, {
        what: `temperature ${T0 + 0.05} (is ${temperature()})`,
      });
      // Panic: the debounce and the gestures run on the box's clock, virtual here, so time moves on with them.
      sim_.setPull(7, 'pull-down');
      await pause();
      await sim.run(50);
      sim_.setPull(7, 'pull-up');
      await waitFor(
        async () => (
          await sim.run(20),
          sim.events.some((e) => e.kind === 'command' && e.command.kind === 'panic' && e.command.source === 'panel')
        ),
        { what: 'panic from the panel' },
      );
      sim.box.dispatch({ kind: 'set', param: 'nonexistent', value: 1, source: 'test' }); // a problem: the error LED blinks
      await waitFor(async () => (await sim.run(25), sim_.value(12) === 1), { what: 'the error LED on GPIO12 lit' });
      await waitFor(async () => (await sim.run(25), sim_.value(12) === 0), {
        what: 'the error LED on GPIO12 blinking off',
      });
    } finally {
      await sim.box.stop();
      sim_.remove();
    }
  });
});

/** Builds test/hwsim/panel-oot against the VM kernel's headers (hw-sim.sh prepare unpacked them); minutes under TCG. */
async function buildPanelSimModule(): Promise<string> {
  const kver = process.env['HWSIM_KVER'] ?? '';
  const headers = join(
    process.env['HWSIM_CACHE_ROOT'] ?? join(homedir(), '.cache', 'antiphon-hwsim'),
    kver,
    'hdr',
    'usr',
    'src',
    `linux-headers-${kver}`,
  );
  const out = mkdtempSync('/tmp/panel-oot-');
  cpSync(join(import.meta.dirname, 'panel-oot'), out, { recursive: true });
  await runTool('make', ['-s', '-C', headers, `M=${out}`, 'modules']);
  return join(out, 'antiphon_panel_sim.ko');
}

describe("the kernel's gpio-keys and gpio-leds drivers on gpio-sim lines", () => {
  let ko = '';
  beforeAll(async () => {
    ko = await buildPanelSimModule();
  }, 900_000);

  it('a button press on gpio-keys reaches the box as a panic; gpio-leds LEDs light their gpio-sim lines', async () => {
    const chip = await createGpioSim('antiphon-panel-kdrv', SIM_LABEL, 28);
    for (const pin of [7, 9]) chip.setPull(pin, 'pull-up');
    await loadModule('gpio_keys');
    await loadModule('leds_gpio');
    await runTool('insmod', [
      ko,
      `base=${chip.sysfsBase}`,
      'leds=10,12',
      'names=antiphon:listening,antiphon:error',
      'keys=7,9',
      'codes=263,265',
    ]);
    const keysDev = '/dev/input/by-path/platform-gpio-keys-event';
    await waitFor(() => existsSync(keysDev) && existsSync('/sys/class/leds/antiphon:error'), {
      what: `${keysDev} and /sys/class/leds/antiphon:error`,
      timeoutMs: 30_000,
    });
    const led = new SysfsLed('error', '/sys/class/leds', 'antiphon:error');
    led.set(1);
    expect(chip.value(12)).toBe(1);
    led.set(0);
    expect(chip.value(12)).toBe(0);

    const dataDir = mkdtempSync('/tmp/panel-kdrv-');
    const config = PANEL_SCHEMA.parse({
      evdev_prefix: 'platform-gpio-keys',
      ads1115_address: 0,
      pca9685_address: 0,
      leds: [
        { id: 'listening', show: 'listening', pin: 10 },
        { id: 'error', show: 'error', pin: 12 },
      ],
    });
    const panel = new PanelSurface({
      config,
      dataDir,
      hardware: () => ({
        input: new EvdevInputSource({ dir: config.evdev_dir, prefix: config.evdev_prefix, timers: nodeTimers }),
        ledsDir: config.leds_dir,
        missing: [],
      }),
    });
    const sim = await startSimBox({
      config: { data: { dir: dataDir }, perform: { tempo_bpm: 120 } },
      surfaces: [panel],
    });
    try {
      expect(panel.status().inputDevices).toEqual(['platform-gpio-keys-event']);
      chip.setPull(7, 'pull-down'); // panic, through gpio-keys and /dev/input
      await waitFor(async () => (await sim.run(20), panel.status().readings.buttons.get('panic') === true), {
        what: 'panic held, read from gpio-keys',
      });
      chip.setPull(7, 'pull-up');
      await waitFor(
        async () => (
          await sim.run(20),
          sim.events.some((e) => e.kind === 'command' && e.command.kind === 'panic' && e.command.source === 'panel')
        ),
        { what: 'panic from gpio-keys' },
      );
      sim.box.dispatch({ kind: 'set', param: 'nonexistent', value: 1, source: 'test' }); // a problem: the error LED blinks
      await waitFor(async () => (await sim.run(25), chip.value(12) === 1), {
        what: 'the error LED (gpio-leds, GPIO12) lit',
      });
      await waitFor(async () => (await sim.run(25), chip.value(12) === 0), { what: 'the error LED blinking off' });
    } finally {
      await sim.box.stop();
      await runTool('rmmod', ['antiphon_panel_sim']);
      chip.remove();
    }
  }, 300_000);
});

describe('panel I2C on i2c-stub', () => {
  let bus = 0;
  beforeAll(async () => {
    bus = await loadI2cStub();
  });

  i2cBusContract('i2c-bus on /dev/i2c-N (i2c-stub)', async () => {
    const n = await loadI2cStub();
    return {
      bus: new NodeI2CBus(n),
      present: 0x48,
      absent: 0x49,
      missingBus: () => new NodeI2CBus(250),
      removeAdapter: async () => {
        try {
          await runTool('rmmod', ['i2c_stub']);
          return true;
        } catch (e) {
          if (/in use/i.test((e as Error).message)) return false;
          throw e;
        }
      },
      restoreAdapter: async () => void expect(await loadI2cStub()).toBe(n),
      dispose: async () => undefined,
    };
  });

  it('reads the ADS1115 conversion the test writes, big-endian, and sends its config big-endian', async () => {
    const i2c = new NodeI2CBus(bus);
    // The chip would send 0x1234 MSB first; i2c-stub's word holds the wire order, low byte first.
    await runTool('i2cset', ['-y', String(bus), '0x48', '0x00', '0x3412', 'w']);
    const adc = new Ads1115(i2c, 0x48, async () => undefined);
    expect(await adc.read(2)).toBe(0x1234);
    expect(await i2cget(bus, 0x01, true)).toBe(0xe3e3); // 0xE3E3 both ways round: check the bytes
    expect(await i2cget(bus, 0x01)).toBe(0xe3); // first byte on the wire: the MSB of 0xE3E3
    await runTool('i2cset', ['-y', String(bus), '0x48', '0x00', '0x00c0', 'w']); // -16384 from the chip
    expect(await adc.read(0)).toBe(-16384);
    expect(await i2cget(bus, 0x01)).toBe(0xc3); // AIN0's config MSB
    await i2c.close();
  });

  it('writes the PCA9685 set-up and channel registers, read back over i2c-dev', async () => {
    const i2c = new NodeI2CBus(bus);
    const pwm = new Pca9685(i2c, 0x48); // i2c-stub has one address: the PCA9685 borrows it here
    await pwm.init(1000);
    expect([await i2cget(bus, 0x00), await i2cget(bus, 0xfe), await i2cget(bus, 0x01)]).toEqual([0x20, 5, 0x04]);
    await pwm.setLevel(2, 1);
    await pwm.setLevel(3, 0.5);
    const ch = async (n: number): Promise<number[]> =>
      Promise.all([0, 1, 2, 3].map((i) => i2cget(bus, 0x06 + 4 * n + i)));
    expect(await ch(2)).toEqual([0, 0x10, 0, 0]);
    expect(await ch(3)).toEqual([0, 0, 1024 & 0xff, 1024 >> 8]);
    expect(await pwm.readLevel(3)).toBeCloseTo(0.5, 2);
    await i2c.close();
  });
});

describe('the box in the VM with the panel on kernel devices', () => {
  let dir = '';
  let bus = 0;
  beforeAll(async () => {
    dir = mkdtempSync('/tmp/panel-box-');
    bus = await loadI2cStub();
  });
  afterAll(() => removeLinkDir(dir));

  it('a knob turn on /dev/input changes a voice temperature; the LEDs on the PCA9685 follow listening and answering', async () => {
    const enc = await UinputDevice.create(join(dir, 'by-path'), 'platform-antiphon-enc1-event');
    const i2c = new NodeI2CBus(bus);
    const config = PANEL_SCHEMA.parse({
      evdev_dir: join(dir, 'by-path'),
      ads1115_address: 0,
      pca9685_address: 0x48,
      i2c_bus: bus,
      leds: [
        { id: 'listening', show: 'listening', pca9685: 0 },
        { id: 'answer_a', show: 'answering', voice: 'A', pca9685: 1 },
      ],
    });
    const panel = new PanelSurface({
      config,
      dataDir: join(dir, 'data'),
      hardware: () => ({
        input: new EvdevInputSource({ dir: config.evdev_dir, prefix: config.evdev_prefix, timers: nodeTimers }),
        i2c,
        ledsDir: '/nonexistent',
        missing: [],
      }),
    });
    const sim = await startSimBox({
      config: { data: { dir: join(dir, 'data') }, perform: { tempo_bpm: 120 } },
      surfaces: [panel],
    });
    try {
      await enc.write(eventPacket(EV_REL, 0, 1, 0));
      const temperature = (): unknown => sim.box.snapshot().parameters.voices[0]?.values['temperature'];
      await waitFor(() => Math.abs(Number(temperature()) - (T0 + 0.05)) < 1e-9, {
        what: `temperature ${T0 + 0.05} (is ${String(temperature())})`,
      });
      expect(sim.events.some((e) => e.kind === 'parameter' && e.source === 'panel')).toBe(true);

      const channelOn = async (n: number): Promise<boolean> => (await i2cget(bus, 0x06 + 4 * n + 1)) === 0x10;
      const pad = sim.plug(SIM_DRUM_PAD);
      await sim.run(300);
      for (let step = 0; step < 8; step++) {
        sim.backend.feed(`${pad}:0:input`, [0x99, 36, 100]);
        await sim.run(125);
      }
      expect(sim.box.snapshot().engine).toBe('listening');
      await waitFor(() => channelOn(0), { what: 'the listening LED (PCA9685 channel 0) on', timeoutMs: 30_000 });
      for (let i = 0; i < 80 && !sim.events.some((e) => e.kind === 'exchange'); i++) await sim.run(100);
      expect(sim.box.snapshot().engine).toBe('responding');
      await waitFor(() => channelOn(1), { what: 'the answering-A LED (PCA9685 channel 1) on', timeoutMs: 30_000 });
      expect(await channelOn(0)).toBe(false);
    } finally {
      await sim.box.stop();
      await enc.destroy();
    }
  });

  it('i2c-stub removed under the running box: each chip is logged once and an answer still comes; loaded again, the pot and the LEDs work', async () => {
    bus = await loadI2cStub();
    const i2c = new NodeI2CBus(bus);
    const config = PANEL_SCHEMA.parse({
      ads1115_address: 0x48,
      pca9685_address: 0x40,
      i2c_bus: bus,
      retry_ms: 400,
      encoders: [],
      buttons: [],
      pots: [{ id: 'volume', channel: 2, param: 'volume' }], // sweeps 0..150, default 100
      leds: [
        { id: 'listening', show: 'listening', pca9685: 0 },
        { id: 'answer_a', show: 'answering', voice: 'A', pca9685: 1 },
      ],
    });
    const panel = new PanelSurface({
      config,
      dataDir: join(dir, 'data2'),
      hardware: () => ({ i2c, ledsDir: '/nonexistent', missing: [] }),
    });
    const sim = await startSimBox({
      config: { data: { dir: join(dir, 'data2') }, perform: { tempo_bpm: 120 } },
      surfaces: [panel],
    });
    // i2c-stub converts nothing: the test writes the conversion register, in wire order (MSB first).
    const setPot = (position: number): Promise<string> =>
      runTool('i2cset', [
        '-y',
        String(bus),
        '0x48',
        '0x00',
        `0x${swap16(Math.round((position * 3.3 * 32768) / 4.096)).toString(16)}`,
        'w',
      ]);
    const volume = (): number => Number(sim.box.snapshot().parameters.global['volume']);
    const until = (check: () => boolean | Promise<boolean>, what: string): Promise<true> =>
      waitFor(async () => (await sim.run(50), await check()), { what, timeoutMs: 60_000 });
    const logged = (text: string): string[] =>
      sim.logs.filter((l) => String(l['msg']).includes(text)).map((l) => String(l['chip']));
    const ledsMatch = async (): Promise<boolean> => {
      for (const [id, ch] of [
        ['listening', 0],
        ['answer_a', 1],
      ] as const) {
        const level = panel.status().leds.get(id) ?? 0;
        const onH = await i2cgetAt(bus, 0x40, 0x06 + 4 * ch + 1);
        const offH = await i2cgetAt(bus, 0x40, 0x06 + 4 * ch + 3);
        if (level >= 1 ? onH !== 0x10 : level <= 0 ? offH !== 0x10 : onH !== 0 || offH === 0x10) return false;
      }
      return true;
    };
    try {
      await setPot(0.5);
      await until(() => panel.status().readings.pots.has('volume'), 'a pot reading');
      expect(volume()).toBe(100); // soft takeover: at 75 the pot has not met 100 yet
      await setPot(0.8);
      await until(() => volume() >= 115, `the pot driving volume to ~120 (is ${volume()})`);
      expect(await i2cgetAt(bus, 0x40, 0x00)).toBe(0x20); // the PCA9685 was set up: awake, auto-increment
      await until(ledsMatch, 'the LEDs on the PCA9685');

      // The adapter goes while the box polls: rmmod is refused while a poll holds /dev/i2c-N, so move on and retry.
      const refused = await removeI2cStub(async () => {
        await sim.run(3);
        await sleep(5);
      });
      expect(i2cDevicePresent(bus)).toBe(false);
      expect((await playKickCall(sim)).answered).toBe(true); // the box answered without its chips
      await sim.run(3000); // retries run (100 ms, doubling to retry_ms) and stay quiet
      const chips = panel.status().chips.map((c) => c.name);
      expect(logged('does not answer').sort()).toEqual([...chips].sort()); // each chip once
      expect(panel.status().chips.every((c) => !c.up)).toBe(true);
      console.log(`[panel i2c] rmmod refused ${refused} time(s) while a poll held the adapter; ${i2c.opens} opens`);

      expect(await loadI2cStub()).toBe(bus);
      await until(() => panel.status().chips.every((c) => c.up), 'both chips answering again');
      expect(logged('answers again').sort()).toEqual([...chips].sort());
      expect(await i2cgetAt(bus, 0x40, 0x00)).toBe(0x20); // set up again after its "power loss"
      await until(ledsMatch, 'the LEDs rewritten on the reloaded PCA9685');
      // The reloaded ADC reads 0: a stale pot picks its parameter up softly, nothing jumps.
      await setPot(0.5);
      await sim.run(500);
      expect(volume()).toBeGreaterThanOrEqual(115);
      await setPot(0.9); // passes 0.8: picked up
      await until(() => volume() >= 130, `the pot driving volume to ~135 again (is ${volume()})`);
    } finally {
      await sim.box.stop();
      await i2c.close();
    }
  }, 300_000);
});
