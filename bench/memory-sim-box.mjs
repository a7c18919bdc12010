// bench:memory's child: `antiphon start`'s own assembly (runBox from dist/) with simulated
// devices instead of the host's: a USB drum pad that plays a one-bar call every other bar,
// and a DIN UART on a simulated serial bus. Plain JavaScript over dist/ so that no
// TypeScript loader (its own thread and ~10 MB) is in the process being measured.
// usage: node bench/memory-sim-box.mjs CONFIG SECONDS
import { loadConfig } from '../dist/system/config.js';
import { createLogger } from '../dist/system/log.js';
import { runBox } from '../dist/cli/box.js';
import { SimMidiBackend } from '../dist/devices/sim-backend.js';
import { SimulatedSerialBus } from '../dist/devices/serial/simulated-serial-port.js';
import { CombinedHotplugSource } from '../dist/devices/hotplug.js';
import { SysfsUsbIdentityReader } from '../dist/devices/usb-identity.js';
import { nodeTimers } from '../dist/clock/timers.js';

const [configFile, seconds] = process.argv.slice(2);
const { config, problems } = loadConfig(configFile);
const log = createLogger(config.log.level, false);
const now = () => performance.now();
const backend = new SimMidiBackend(now);
const pad = backend.plug({
  clientName: 'Bench Pad',
  inputs: ['Bench Pad MIDI 1'],
  outputs: ['Bench Pad MIDI 1'],
  usb: { vendorId: 0x09e8, productId: 0x0034, serial: 'B1', busPath: '1-1' },
});
const serial = new SimulatedSerialBus({ nowMs: now });
serial.plug(config.din.device);
const hw = {
  backend,
  hotplug: new CombinedHotplugSource([]),
  usb: new SysfsUsbIdentityReader(),
  serial,
  now,
  timers: nodeTimers,
  missing: [],
};

// A call: kick and snare on the beats, hats on the 8ths, one bar at the config's tempo; then a bar of rest.
const bpm = 120;
const stepMs = 60_000 / bpm / 4;
let step = 0;
setInterval(() => {
  const inCall = Math.floor(step / 16) % 2 === 0;
  if (inCall && step % 2 === 0) {
    const pitch = step % 8 === 0 ? 36 : step % 8 === 4 ? 38 : 42;
    backend.feed(`${pad}:0:input`, [0x99, pitch, 100]);
    backend.feed(`${pad}:0:input`, [0x89, pitch, 0]);
  }
  step++;
}, stepMs).unref();

const code = await runBox(hw, config, log, { configProblems: problems, runForMs: Number(seconds) * 1000 }, (line) =>
  process.stdout.write(`${line}\n`),
);
process.exit(code);
