// Guest side of the image test: a drum pad on a USB MIDI gadget (configfs f_midi on dummy_hcd,
// so the guest kernel is both the pad and the USB host that snd-usb-audio drives, as a Pi is for
// a real pad), played from the gadget side's raw MIDI node. Uses the box's own code from the
// image (/usr/lib/antiphon/dist) for decoding MIDI and for what a CC value means.
//   node pad.mjs plug              builds the gadget and plugs it in (the box sees a pad arrive)
//   node pad.mjs answer            play a 2-bar call, print the answer's note-ons (exit 1: none)
//   node pad.mjs workload LOG      play calls and turn the temperature CC for ever, logging (fsync'd)
//                                  each recording the box finished and each settings value it saved
import {
  constants,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  statSync,
  symlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';

// The image's box; ANTIPHON_DIST/ANTIPHON_DATA point elsewhere when trying this outside the image.
const DIST = process.env.ANTIPHON_DIST ?? '/usr/lib/antiphon/dist';
const { MidiStreamDecoder } = await import(`${DIST}/midi/decoder.js`);
const { valueFromCc } = await import(`${DIST}/control/parameter-math.js`);
const { parameterNamed } = await import(`${DIST}/control/parameters.js`);
const { isPartialRecording } = await import(`${DIST}/record/recorder.js`);

const DATA = process.env.ANTIPHON_DATA ?? '/var/lib/antiphon';
const RECORDINGS = join(DATA, 'recordings');
const SETTINGS = join(DATA, 'panel-settings.json');
/** The box's default CC map: 109 = temperature of the first voice (src/system/config.ts). */
const TEMPERATURE_CC = 109;
const BAR_MS = 2000; // 120 BPM, the image's default tempo
const KICK = 36;
const SNARE = 38;

const now = () => Number(process.hrtime.bigint()) / 1e6;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The gadget-side ALSA card's id (f_midi's `id`); the box ignores this side by its name, f_midi. */
const PAD_CARD_ID = 'AntiphonPad';
const GADGET = '/sys/kernel/config/usb_gadget/pad';

/**
 * Plugs the pad in: a USB MIDI gadget with one port each way, bound to dummy_hcd's controller.
 * snd-usb-audio and the sequencer are left to the image's own module autoloading, as with a real
 * pad on the Pi's USB port; only the gadget side (which a Pi does not have) is loaded here.
 */
function plug() {
  const put = (rel, value) => writeFileSync(join(GADGET, rel), value);
  if (!existsSync(GADGET)) {
    mkdirSync(GADGET);
    put('idVendor', '0x1209'); // pid.codes' test ids: not any real pad's
    put('idProduct', '0x0001');
    put('bcdUSB', '0x0200');
    mkdirSync(join(GADGET, 'strings/0x409'));
    put('strings/0x409/manufacturer', 'Antiphon');
    put('strings/0x409/product', 'Test Pad');
    mkdirSync(join(GADGET, 'configs/c.1/strings/0x409'), { recursive: true });
    put('configs/c.1/strings/0x409/configuration', 'MIDI');
    mkdirSync(join(GADGET, 'functions/midi.pad'));
    put('functions/midi.pad/in_ports', '1');
    put('functions/midi.pad/out_ports', '1');
    put('functions/midi.pad/id', PAD_CARD_ID);
    symlinkSync(join(GADGET, 'functions/midi.pad'), join(GADGET, 'configs/c.1/midi.pad'));
  }
  const udc = readdirSync('/sys/class/udc').find((u) => u.startsWith('dummy_udc.'));
  if (udc === undefined) throw new Error('no dummy_udc in /sys/class/udc (is dummy_hcd loaded?)');
  put('UDC', udc);
  console.log(JSON.stringify({ plugged: udc, pad: padNode() }));
}

function padNode() {
  const cards = readFileSync('/proc/asound/cards', 'utf8');
  const m = new RegExp(`^\\s*(\\d+)\\s+\\[${PAD_CARD_ID}\\s*\\]`, 'm').exec(cards);
  if (!m) throw new Error(`no gadget-side card [${PAD_CARD_ID}] in /proc/asound/cards:\n${cards}`);
  return `/dev/snd/midiC${m[1]}D0`;
}

/** The pad's raw MIDI node: non-blocking, and read once so the kernel buffers what the box sends. */
class Pad {
  constructor(path) {
    this.path = path;
    this.fd = openSync(path, constants.O_RDWR | constants.O_NONBLOCK);
    this.decoder = new MidiStreamDecoder();
    this.noteOns = [];
    this.poll();
  }
  write(bytes) {
    const b = Buffer.from(bytes);
    for (let off = 0; off < b.length;) off += writeSync(this.fd, b, off, b.length - off);
  }
  poll() {
    const buf = Buffer.alloc(1024);
    for (;;) {
      let n;
      try {
        n = readSync(this.fd, buf, 0, buf.length, null);
      } catch (e) {
        if (e.code === 'EAGAIN') return;
        throw e;
      }
      if (n <= 0) return;
      const t = now();
      this.decoder.feed(Uint8Array.from(buf.subarray(0, n)), (msg) => {
        if (msg.type === 'noteOn' && msg.velocity > 0) this.noteOns.push({ t, note: msg.note, velocity: msg.velocity });
      });
    }
  }
  /** Kicks on 1 and 3, snares on 2 and 4, eighth-note ghost kicks, two bars; resolves at its last hit. */
  async playCall() {
    const t0 = now() + 50;
    for (let eighth = 0; eighth < 16; eighth++) {
      const beat = eighth / 2;
      const note = eighth % 2 === 1 ? KICK : Math.floor(beat) % 2 === 0 ? KICK : SNARE;
      const velocity = eighth % 2 === 1 ? 50 : 100;
      const at = t0 + (eighth * BAR_MS) / 8;
      while (now() < at) {
        this.poll();
        await sleep(Math.min(5, Math.max(0, at - now())));
      }
      this.write([0x99, note, velocity]);
      this.write([0x89, note, 0]);
    }
    return now();
  }
  cc(controller, value) {
    this.write([0xb9, controller, value]);
  }
}

/** A log line written and fsync'd into the 9p share: it must survive the VM being killed. */
function logger(file) {
  const fd = openSync(file, 'a');
  return (record) => {
    writeSync(fd, `${JSON.stringify({ t: Math.round(now()), ...record })}\n`);
    fsyncSync(fd);
  };
}

const finishedRecordings = () => {
  try {
    return readdirSync(RECORDINGS).filter((n) => n.startsWith('exchange-') && n.endsWith('.mid'));
  } catch {
    return [];
  }
};

async function answer() {
  const pad = new Pad(padNode());
  const endedAt = await pad.playCall();
  pad.noteOns = [];
  const deadline = now() + 45_000;
  // The call ends after a silent bar; the answer is as long as the call (2 bars).
  while (now() < deadline) {
    pad.poll();
    if (pad.noteOns.length > 0 && now() - pad.noteOns.at(-1).t > BAR_MS * 1.5) break;
    await sleep(10);
  }
  const notes = pad.noteOns;
  console.log(
    JSON.stringify({
      answerNoteOns: notes.length,
      firstAfterCallEndMs: notes[0] ? Math.round(notes[0].t - endedAt) : null,
      spanMs: notes.length ? Math.round(notes.at(-1).t - notes[0].t) : 0,
      notes: [...new Set(notes.map((n) => n.note))].sort((a, b) => a - b),
    }),
  );
  process.exit(notes.length > 0 ? 0 : 1);
}

async function workload(logFile) {
  const log = logger(logFile);
  const pad = new Pad(padNode());
  const temperature = parameterNamed('temperature');
  const seen = new Set(finishedRecordings());
  let lastSettings = '';
  // Watches the data partition as a musician's box would leave it: a recording counts once it
  // has its final name; a settings value once the file on disk says so.
  const watch = () => {
    for (const n of finishedRecordings())
      if (!seen.has(n)) {
        seen.add(n);
        log({ kind: 'finished', file: n, bytes: statSync(join(RECORDINGS, n)).size });
      }
    let text = '';
    try {
      text = readFileSync(SETTINGS, 'utf8');
    } catch {
      return undefined;
    }
    if (text !== lastSettings) {
      lastSettings = text;
      const parsed = JSON.parse(text); // never half a file: the box replaces it atomically
      const value = parsed.parameters?.voices?.find((v) => v.name === 'A')?.values?.temperature;
      log({ kind: 'settings', temperature: value, savedAt: parsed.savedAt });
    }
    return JSON.parse(lastSettings).parameters?.voices?.find((v) => v.name === 'A')?.values?.temperature;
  };
  const settingsLoop = async () => {
    // CC values 16 apart: consecutive sends always mean different temperatures.
    for (let k = 0; ; k++) {
      const cc = 8 + 16 * (k % 8);
      const want = valueFromCc(temperature, cc, { models: [] });
      log({ kind: 'sent', seq: k, cc, temperature: want });
      pad.cc(TEMPERATURE_CC, cc);
      const until = now() + 20_000;
      while (now() < until && watch() !== want) await sleep(100);
      if (watch() !== want) log({ kind: 'not-saved', seq: k, temperature: want });
      await sleep(300 + Math.random() * 2500);
    }
  };
  const callLoop = async () => {
    for (let k = 0; ; k++) {
      const before = seen.size;
      log({ kind: 'call', seq: k });
      await pad.playCall();
      const until = now() + 30_000;
      while (now() < until && seen.size === before) {
        pad.poll();
        watch();
        await sleep(100);
      }
      pad.noteOns = [];
    }
  };
  log({ kind: 'start', leftovers: readdirSync(DATA).length, partial: listPartials() });
  await Promise.all([settingsLoop(), callLoop()]);
}

/** Temp files a cut can leave: the recorder's and the settings store's. */
export function listPartials() {
  const here = (dir, pred) => {
    try {
      return readdirSync(dir)
        .filter(pred)
        .map((n) => join(dir, n));
    } catch {
      return [];
    }
  };
  return [...here(RECORDINGS, isPartialRecording), ...here(DATA, (n) => n.startsWith('panel-settings.json.tmp-'))];
}

const [mode, arg] = process.argv.slice(2);
if (mode === 'plug') plug();
else if (mode === 'answer') await answer();
else if (mode === 'workload') await workload(arg);
else if (mode === 'partials') console.log(JSON.stringify(listPartials()));
else {
  console.error('usage: pad.mjs plug | answer | workload LOG | partials');
  process.exit(2);
}
