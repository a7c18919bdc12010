/**
 * The Link helper process, as CommonJS source for `node -e`. It owns the one `abletonlink`
 * instance and talks newline-delimited JSON: commands in on stdin, samples and replies out
 * on stdout.
 *
 * Why a process of its own: the package starts a callback thread it never joins, so any
 * process that loaded it aborts at exit ("terminate called without an active exception"),
 * however it is shut down; and its event callbacks hold the event loop open for good. Here
 * the helper leaves the session (disable, then a moment for Link's goodbye to go out) and
 * ends itself with SIGKILL, which runs no C++ static destructors, so nothing aborts; a crash
 * in native code takes down only the helper, and the box falls back to its own clock.
 * No callbacks are registered: the helper polls `update()` and the box sees changes in the
 * samples.
 *
 * Sample timing: `update()` reads Link's clock (CLOCK_MONOTONIC on Linux, as process.hrtime)
 * somewhere inside the bracket [t0, t1]; the sample is stamped at the bracket's middle and
 * carries its width so the follower can drop interrupted readings.
 *
 * argv: [modulePath, tempo, quantum, sampleEveryMs].
 */
export const LINK_HOST_SOURCE = String.raw`
'use strict';
const [modulePath, tempoArg, quantumArg, everyArg] = process.argv.slice(1);
const out = (obj) => process.stdout.write(JSON.stringify(obj) + '\n');
let link;
try {
  const AbletonLink = require(modulePath);
  link = new AbletonLink(Number(tempoArg), Number(quantumArg), false);
} catch (err) {
  out({ kind: 'error', message: String(err && err.message || err) });
  process.exit(3);
}
let enabled = false;
let timer;
const sample = () => {
  const t0 = process.hrtime.bigint();
  link.update();
  const t1 = process.hrtime.bigint();
  out({ kind: 'sample', atNs: String((t0 + t1) / 2n), widthNs: Number(t1 - t0), beat: link.beat, phase: link.phase,
    tempo: link.bpm, playing: link.isPlaying, peers: link.getNumPeers() });
};
const every = Math.max(1, Number(everyArg) || 5);
const commands = {
  enable: () => { if (enabled) return; enabled = true; link.enable(); sample(); timer = setInterval(sample, every); },
  disable: () => { if (!enabled) return; enabled = false; clearInterval(timer); link.disable(); },
  tempo: (c) => { link.bpm = Number(c.value); },
  quantum: (c) => { link.quantum = Number(c.value); },
  playing: (c) => { link.isPlaying = Boolean(c.value); },
  sync: (c) => { link.isPlayStateSync = Boolean(c.value); },
  close: () => {
    commands.disable();
    // Let Link's goodbye leave before the process does.
    setTimeout(() => { out({ kind: 'closed' }); process.kill(process.pid, 'SIGKILL'); }, 50);
  },
};
let buffer = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  buffer += chunk;
  let nl;
  while ((nl = buffer.indexOf('\n')) >= 0) {
    const line = buffer.slice(0, nl);
    buffer = buffer.slice(nl + 1);
    let command;
    try { command = JSON.parse(line); } catch { out({ kind: 'error', message: 'bad command line: ' + line.slice(0, 80) }); continue; }
    const run = commands[command && command.kind];
    if (run) run(command); else out({ kind: 'error', message: 'unknown command: ' + String(command && command.kind) });
  }
});
// The box went away without closing: leave the session the same clean way.
process.stdin.on('end', () => commands.close());
out({ kind: 'ready' });
`;
