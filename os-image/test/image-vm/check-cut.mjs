// Guest side of the image test, after a power cut: reads what the previous boot's workload
// logged (pad.mjs workload) and checks the data partition against it with the box's own code:
// every recording it saw finished is still there, the same size, and parses as a Standard MIDI
// File; the settings file parses, and holds the last value seen saved or one sent after it
// (a save in flight at the cut), never an older one.
//   node check-cut.mjs LOG     prints one JSON line; exit 1 with `failed` naming what broke
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

// The image's box; ANTIPHON_DIST/ANTIPHON_DATA point elsewhere when trying this outside the image.
const DIST = process.env.ANTIPHON_DIST ?? '/usr/lib/antiphon/dist';
const { readSmf } = await import(`${DIST}/record/smf-read.js`);
const { readSettings } = await import(`${DIST}/panel/settings-store.js`);

const DATA = process.env.ANTIPHON_DATA ?? '/var/lib/antiphon';
const logFile = process.argv[2];
if (!logFile) {
  console.error('usage: check-cut.mjs LOG');
  process.exit(2);
}
// The last line may be cut short by the kill (the share's fsync is per line): drop a torn tail.
const records = readFileSync(logFile, 'utf8')
  .split('\n')
  .flatMap((line) => {
    try {
      return line ? [JSON.parse(line)] : [];
    } catch {
      return [];
    }
  });
const problems = [];
const finished = records.filter((r) => r.kind === 'finished');
for (const r of finished) {
  const path = join(DATA, 'recordings', r.file);
  let bytes;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    problems.push(`finished recording ${r.file} is gone (${e.code})`);
    continue;
  }
  if (bytes.length !== r.bytes) problems.push(`${r.file} is ${bytes.length} bytes, was ${r.bytes} when finished`);
  try {
    const smf = readSmf(bytes, path);
    const notes = smf.tracks.reduce((n, t) => n + t.notes.length, 0);
    if (notes === 0) problems.push(`${r.file} parses but holds no notes`);
  } catch (e) {
    problems.push(`${r.file} does not parse: ${e.message}`);
  }
}

const sent = records.filter((r) => r.kind === 'sent');
const saved = records.filter((r) => r.kind === 'settings' && r.temperature !== undefined);
const lastSaved = saved.at(-1);
const read = await readSettings(join(DATA, 'panel-settings.json'));
let settings = 'none saved';
if (read.kind === 'corrupt') problems.push(`settings file corrupt: ${read.error}`);
else if (read.kind === 'missing') {
  if (lastSaved) problems.push(`settings file missing, but temperature ${lastSaved.temperature} was saved`);
} else {
  const now = read.settings.parameters.voices.find((v) => v.name === 'A')?.values.temperature;
  settings = `temperature ${now}`;
  if (lastSaved) {
    // Sends after the last value seen saved (by time): any of them may have been in flight.
    const later = sent.filter((s) => s.t > (saved.at(-1)?.t ?? 0)).map((s) => s.temperature);
    if (now !== lastSaved.temperature && !later.includes(now))
      problems.push(
        `settings hold temperature ${now}: the last saved was ${lastSaved.temperature}, later sends ${JSON.stringify(later)}`,
      );
    else settings = now === lastSaved.temperature ? `last saved (${now})` : `a later send in flight (${now})`;
  }
}
const start = records.find((r) => r.kind === 'start');
const out = {
  calls: records.filter((r) => r.kind === 'call').length,
  finished: finished.length,
  settingsSaves: saved.length,
  ccSends: sent.length,
  notSaved: records.filter((r) => r.kind === 'not-saved').length,
  settings,
  recordingsOnDisk: (() => {
    try {
      return statSync(join(DATA, 'recordings')).isDirectory();
    } catch {
      return false;
    }
  })(),
  partialsAtStartOfThatBoot: start?.partial?.length ?? null,
  ...(problems.length ? { failed: problems.join('; ') } : {}),
};
console.log(JSON.stringify(out));
process.exit(problems.length ? 1 : 0);
