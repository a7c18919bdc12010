import { readFileSync } from 'node:fs';

/** A kernel sequencer client and its ports, from /proc/asound/seq/clients. */
export interface SeqClient {
  readonly id: number;
  readonly name: string;
  readonly ports: readonly { readonly id: number; readonly name: string }[];
}

/** Lists sequencer clients (needs snd-seq). Port names are what RtMidi shows after the colon. */
export function listSeqClients(): SeqClient[] {
  let text: string;
  try {
    text = readFileSync('/proc/asound/seq/clients', 'utf8');
  } catch {
    return [];
  }
  const clients: { id: number; name: string; ports: { id: number; name: string }[] }[] = [];
  for (const line of text.split('\n')) {
    const c = /^Client\s+(\d+)\s*:\s*"(.*)"/.exec(line);
    if (c !== null) {
      clients.push({ id: Number(c[1]), name: c[2] ?? '', ports: [] });
      continue;
    }
    const p = /^\s+Port\s+(\d+)\s*:\s*"(.*)"/.exec(line);
    if (p !== null) clients.at(-1)?.ports.push({ id: Number(p[1]), name: p[2] ?? '' });
  }
  return clients;
}

/** The sequencer client named exactly `name`, if present. */
export function findSeqClient(name: string): SeqClient | undefined {
  return listSeqClients().find((c) => c.name === name);
}

/** Something that lists ports the way @julusian/midi's Input and Output do. */
export interface PortLister {
  getPortCount(): number;
  getPortName(port: number): string;
}

/**
 * Index of the RtMidi port whose name contains `needle` (RtMidi names ALSA ports
 * `client:port client_id:port_id`, e.g. `Ableton Push 2:Ableton Push 2 MIDI 2 24:1`).
 */
export function findPortIndex(io: PortLister, needle: string): number | undefined {
  for (let i = 0; i < io.getPortCount(); i++) if (io.getPortName(i).includes(needle)) return i;
  return undefined;
}
