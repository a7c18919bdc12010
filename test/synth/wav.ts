/** A 16-bit PCM WAV file's format and its samples as -1..1, every channel mixed to one. */
export interface Wav {
  readonly sampleRate: number;
  readonly channels: number;
  readonly samples: Float32Array;
}

/** Reads RIFF/WAVE chunk by chunk (FluidSynth may write more than fmt and data). */
export function readWav(buf: Uint8Array): Wav {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const tag = (at: number): string => String.fromCharCode(...buf.subarray(at, at + 4));
  if (tag(0) !== 'RIFF' || tag(8) !== 'WAVE') throw new Error('not a RIFF/WAVE file');
  let at = 12;
  let sampleRate = 0;
  let channels = 0;
  let bits = 0;
  while (at + 8 <= buf.length) {
    const id = tag(at);
    const size = view.getUint32(at + 4, true);
    if (id === 'fmt ') {
      channels = view.getUint16(at + 10, true);
      sampleRate = view.getUint32(at + 12, true);
      bits = view.getUint16(at + 22, true);
    } else if (id === 'data') {
      if (bits !== 16) throw new Error(`expected 16-bit samples, got ${bits}`);
      const frames = Math.floor(Math.min(size, buf.length - at - 8) / (2 * channels));
      const samples = new Float32Array(frames);
      for (let f = 0; f < frames; f++) {
        let sum = 0;
        for (let c = 0; c < channels; c++) sum += view.getInt16(at + 8 + (f * channels + c) * 2, true);
        samples[f] = sum / channels / 32768;
      }
      return { sampleRate, channels, samples };
    }
    at += 8 + size + (size % 2);
  }
  throw new Error('no data chunk');
}

export function rms(samples: Float32Array, from = 0, to = samples.length): number {
  let sum = 0;
  for (let i = from; i < to; i++) sum += (samples[i] ?? 0) ** 2;
  return Math.sqrt(sum / Math.max(1, to - from));
}

/** Seconds to the first sample louder than `threshold`; undefined for silence. */
export function onsetSeconds(w: Wav, threshold = 0.01): number | undefined {
  const i = w.samples.findIndex((s) => Math.abs(s) > threshold);
  return i < 0 ? undefined : i / w.sampleRate;
}
