import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';

/**
 * @magenta/music as the reference implementation: it loads a checkpoint over HTTP (from a
 * localhost server started here) and runs on tfjs's CPU backend inside Node.
 */
interface OracleSequence {
  notes: { pitch: number; quantizedStartStep: number; quantizedEndStep: number; isDrum?: boolean }[];
  quantizationInfo: { stepsPerQuarter: number };
  totalQuantizedSteps: number;
}
interface OracleModel {
  initialize(): Promise<void>;
  continueSequence(seq: OracleSequence, steps: number, temperature?: number): Promise<OracleSequence>;
  continueSequenceAndReturnProbabilities(
    seq: OracleSequence,
    steps: number,
    temperature?: number,
  ): Promise<{ sequence: Promise<OracleSequence>; probs: Float32Array[] }>;
  dispose(): void;
}

const require = createRequire(import.meta.url);

export async function serveCheckpoint(
  files: ReadonlyMap<string, Uint8Array>,
): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    const body = files.get((req.url ?? '').replace(/^\/m\//, ''));
    if (body === undefined) res.writeHead(404).end();
    else res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/m`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export async function loadOracle(url: string): Promise<OracleModel> {
  const quiet = console.log;
  console.log = () => undefined; // magenta-js and tfjs announce themselves on load
  try {
    const mm = require('@magenta/music/node/music_rnn') as { MusicRNN: new (url: string) => OracleModel };
    const model = new mm.MusicRNN(url);
    await model.initialize();
    return model;
  } finally {
    console.log = quiet;
  }
}

/** Drum events as a magenta-js sequence, one first-of-class pitch per hit (no quirks hit). */
export function drumEventsToOracle(events: readonly number[], firstPitches: readonly number[]): OracleSequence {
  const notes: OracleSequence['notes'] = [];
  events.forEach((e, t) => {
    for (let c = 0; c < 9; c++) {
      if (e & (1 << c))
        notes.push({ pitch: firstPitches[c] ?? 0, quantizedStartStep: t, quantizedEndStep: t + 1, isDrum: true });
    }
  });
  return { notes, quantizationInfo: { stepsPerQuarter: 4 }, totalQuantizedSteps: events.length };
}

export function oracleToDrumEvents(seq: OracleSequence, steps: number, firstPitches: readonly number[]): number[] {
  const events = new Array<number>(steps).fill(0);
  for (const n of seq.notes) {
    const c = firstPitches.indexOf(n.pitch);
    events[n.quantizedStartStep] = (events[n.quantizedStartStep] ?? 0) | (1 << c);
  }
  return events;
}
