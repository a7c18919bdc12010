import { TICKS_PER_STEP } from '../clock/units.js';
import { DRUM_CLASS_NAMES, drumPitchMap } from '../model/encoding/drum-pitch-maps.js';
import type { Exchange, RecordedNote } from '../perform/engine-types.js';

const CLASSIC = drumPitchMap('classic');
const SHORT_NAMES = ['kick', 'snare', 'hat', 'open hat', 'low tom', 'mid tom', 'high tom', 'crash', 'ride'];

/** Velocity as shade: soft ░, medium ▒, strong ▓, accent █; an empty 16th is a dot. */
export function shade(velocity: number | undefined): string {
  if (velocity === undefined) return '·';
  if (velocity < 48) return '░';
  if (velocity < 80) return '▒';
  if (velocity < 110) return '▓';
  return '█';
}

interface Section {
  readonly title: string;
  readonly startBar: number;
  readonly bars: number;
  readonly notes: readonly RecordedNote[];
}

const classOfDefault = (pitch: number): number => CLASSIC.classOfPitch[pitch] ?? -1;

/** Rows = drums (classes that play anywhere in the exchange), columns = 16ths, `|` at bar lines. */
function sectionLines(
  s: Section,
  rows: readonly number[],
  stepsPerBar: number,
  classOf: (p: number) => number,
): string[] {
  const total = s.bars * stepsPerBar;
  const grid = new Map<number, (number | undefined)[]>(
    rows.map((r) => [r, new Array<number | undefined>(total).fill(undefined)]),
  );
  for (const n of s.notes) {
    const step = Math.round(n.tick / TICKS_PER_STEP) - s.startBar * stepsPerBar;
    const row = grid.get(classOf(n.pitch));
    if (!row || step < 0 || step >= total) continue;
    row[step] = Math.max(row[step] ?? 0, n.velocity);
  }
  const lines = [s.title];
  for (const r of rows) {
    const cells = grid.get(r) ?? [];
    let line = `  ${(SHORT_NAMES[r] ?? DRUM_CLASS_NAMES[r] ?? String(r)).padEnd(9)}|`;
    cells.forEach((v, i) => {
      line += shade(v);
      if ((i + 1) % stepsPerBar === 0) line += '|';
    });
    lines.push(line);
  }
  return lines;
}

const f = (x: number, d = 1): string => x.toFixed(d);
const perStep = (ll: { total: number; perStep: readonly number[] }): string =>
  f(ll.total / Math.max(1, ll.perStep.length), 2);

/** An exchange as a terminal drum grid: the call, then each voice's turn, with their log-likelihoods. */
export function renderExchange(x: Exchange, classOf: (pitch: number) => number = classOfDefault): string {
  const played = new Set<number>();
  for (const n of [...x.call.notes, ...x.turns.flatMap((t) => t.notes)]) {
    const c = classOf(n.pitch);
    if (c >= 0) played.add(c);
  }
  const rows = played.size > 0 ? [...played].sort((a, b) => a - b) : [0, 1, 2];
  const firstTurn = x.turns[0];
  const callLl = firstTurn
    ? `  call log-likelihood ${f(firstTurn.primerLogLikelihood.total)} (${perStep(firstTurn.primerLogLikelihood)}/step)`
    : '';
  const out = [
    `exchange ${x.id}  ${f(x.tempo, 0)} BPM  mode ${x.mode}   shading: ░ soft ▒ medium ▓ strong █ accent`,
    ...sectionLines(
      {
        title: `CALL (${x.call.source}) bar ${x.call.startBar}, ${x.call.bars} bar(s), ended by ${x.call.endReason}${callLl}`,
        startBar: x.call.startBar,
        bars: x.call.bars,
        notes: x.call.notes,
      },
      rows,
      x.stepsPerBar,
      classOf,
    ),
  ];
  for (const t of x.turns) {
    const slip = t.slippedBars > 0 ? `  SLIPPED ${t.slippedBars} bar(s)` : '';
    const title = `VOICE ${t.voice} (${t.model}) bar ${t.startBar}, T=${f(t.temperature, 2)}  log-likelihood ${f(t.logLikelihood.total)} (${perStep(t.logLikelihood)}/step)${slip}`;
    out.push(
      ...sectionLines({ title, startBar: t.startBar, bars: t.bars, notes: t.notes }, rows, x.stepsPerBar, classOf),
    );
  }
  return out.join('\n');
}
