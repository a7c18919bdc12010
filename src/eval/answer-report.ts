import { TICKS_PER_STEP, type Ticks } from '../clock/units.js';
import { renderExchange } from '../cli/drum-grid.js';
import type { Exchange, RecordedNote, RecordedTurn } from '../perform/engine-types.js';
import type { AnswerSummary } from './answer-quality.js';
import { DENSITY_TOLERANCE } from './answer-quality.js';
import type { SettingResult } from './answer-run.js';

const DRUMS = ['kick', 'snare', 'closed hat', 'open hat', 'low tom', 'mid tom', 'high tom', 'crash', 'ride'];

export interface Column {
  readonly label: string;
  readonly summary: AnswerSummary;
}

const pct = (x: number): string => `${(100 * x).toFixed(0)}%`;
const num = (x: number): string => x.toFixed(3);

/** Metrics down, settings and baselines across, as a markdown table (readable in a terminal too). */
export function formatAnswerTable(columns: readonly Column[]): string {
  const rows: [string, (s: AnswerSummary) => string][] = [
    ['exchanges', (s) => String(s.exchanges)],
    ['hit F1 vs truth (bars 3-4)', (s) => num(s.f1Truth)],
    [`density within ±${DENSITY_TOLERANCE * 100}% of the call`, (s) => pct(s.densityOk)],
    ['median density, answer / call', (s) => s.medianDensityRatio.toFixed(2)],
    ['hit F1 vs "repeat bar 2" (copying)', (s) => num(s.f1RepeatLast)],
    ['hits not in "repeat bar 2"', (s) => pct(s.novelShare)],
    ['keeps kick/snare on the beats', (s) => pct(s.keepsBackbone)],
  ];
  const lines = [`| | ${columns.map((c) => c.label).join(' | ')} |`, `|---|${columns.map(() => '---:').join('|')}|`];
  for (const [name, f] of rows) lines.push(`| ${name} | ${columns.map((c) => f(c.summary)).join(' | ')} |`);
  lines.push(`| **per drum: F1 vs truth (hits per exchange)** | ${columns.map(() => '').join(' | ')} |`);
  DRUMS.forEach((drum, i) => {
    lines.push(
      `| ${drum} | ${columns
        .map((c) => {
          const d = c.summary.perDrum[i];
          return d ? `${Number.isNaN(d.f1) ? '-' : d.f1.toFixed(2)} (${d.hitsPerExchange.toFixed(1)})` : '-';
        })
        .join(' | ')} |`,
    );
  });
  return `${lines.join('\n')}\n`;
}

function notesOf(events: Uint16Array, startBar: number, classPitches: readonly number[]): RecordedNote[] {
  const notes: RecordedNote[] = [];
  events.forEach((e, step) => {
    classPitches.forEach((pitch, c) => {
      if (e & (1 << c))
        notes.push({
          pitch,
          velocity: 100,
          tick: ((startBar * 16 + step) * TICKS_PER_STEP) as Ticks,
          durationTicks: (TICKS_PER_STEP / 2) as Ticks,
        });
    });
  });
  return notes;
}

/**
 * One call with every setting's answer and the drummer's real continuation under it, as a
 * terminal drum grid. `index` picks the case (same order in every result).
 */
export function renderExample(
  results: readonly SettingResult[],
  truth: Uint16Array,
  file: string,
  index: number,
  classPitches: readonly number[],
  classOf: (p: number) => number,
): string {
  const first = results[0]?.exchanges[index];
  if (!first) return '';
  const turns: RecordedTurn[] = [];
  for (const r of results) {
    const t = r.exchanges[index]?.turns[0];
    if (t) turns.push({ ...t, voice: r.setting.label });
  }
  const answerStart = first.turns[0]?.startBar ?? first.call.startBar + first.call.bars;
  const truthTurn: RecordedTurn = {
    voice: 'DRUMMER (truth)',
    model: 'bars 3-4',
    startBar: answerStart,
    bars: truth.length / 16,
    notes: notesOf(truth, answerStart, classPitches),
    events: truth,
    temperature: 0,
    logLikelihood: { total: 0, perStep: [] },
    primerLogLikelihood: { total: 0, perStep: [] },
    slippedBars: 0,
  };
  // Every answer is drawn at the same bar, after the call: the grid printer only reads bars.
  const x: Exchange = {
    ...first,
    id: index + 1,
    turns: [...turns.map((t) => ({ ...t, startBar: answerStart })), truthTurn],
  };
  return `${file}\n${renderExchange(x, classOf)}`;
}
