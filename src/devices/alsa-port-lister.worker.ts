import { createRequire } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';
import { listAlsaPorts, samePorts } from './alsa-port-list.js';
import type { MidiPortInfo } from './midi-backend.js';

/**
 * Lists ALSA ports off the main thread. Enumerating sequencer clients can sleep in the kernel
 * (snd_seq_client_use_ptr waits for ALSA's driver autoload work, which runs modprobe), and the
 * main thread must never stall: it decodes input and times output.
 */
const { pollMs } = workerData as { pollMs: number };
const midi = createRequire(import.meta.url)('@julusian/midi') as typeof import('@julusian/midi');
const input = new midi.Input();
const output = new midi.Output();
let last: MidiPortInfo[] = [];

// Only changes are posted: a refresh that finds nothing new costs the main thread nothing.
function list(): void {
  const ports = listAlsaPorts(input, output);
  if (!samePorts(ports, last)) parentPort?.postMessage({ type: 'ports', ports });
  last = ports;
}

parentPort?.on('message', (m: { type: string }) => {
  if (m.type === 'list') list();
  else if (m.type === 'stop') {
    clearInterval(timer);
    input.destroy();
    output.destroy();
    parentPort?.close();
  }
});
list();
const timer = setInterval(list, pollMs);
