import { execFile } from 'node:child_process';
import { access, rename, stat, unlink } from 'node:fs/promises';
import { renderArgs } from './fluidsynth-args.js';

export interface RenderOptions {
  readonly command: string;
  readonly soundfont: string;
  readonly midiFile: string;
  readonly wavFile: string;
  readonly sampleRate: number;
  readonly gain: number;
}

/** Rendering could not happen: the message names what is missing or what FluidSynth said. */
export class RenderError extends Error {
  override readonly name = 'RenderError';
}

/**
 * Renders a Standard MIDI File to WAV offline through FluidSynth and the box's soundfont, so
 * an exchange can be heard on a desktop exactly as the box's synth plays it. Written to a
 * temporary name first, so a failed render never leaves a half-written file under the real one.
 */
export async function renderWav(o: RenderOptions): Promise<void> {
  try {
    await access(o.soundfont);
  } catch {
    throw new RenderError(`soundfont ${o.soundfont} not found (apt-get install timgm6mb-soundfont)`);
  }
  const temp = `${o.wavFile}.tmp.wav`;
  await new Promise<void>((resolve, reject) => {
    execFile(
      o.command,
      renderArgs(o.soundfont, o.midiFile, temp, o.sampleRate, o.gain),
      { timeout: 120_000 },
      (error, _stdout, stderr) => {
        if (!error) return resolve();
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') reject(new RenderError(`${o.command} is not installed (apt-get install fluidsynth)`));
        else reject(new RenderError(`${o.command} failed rendering ${o.midiFile}: ${stderr.trim() || error.message}`));
      },
    );
  });
  const size = (await stat(temp).catch(() => undefined))?.size ?? 0;
  if (size <= 44) {
    await unlink(temp).catch(() => undefined);
    throw new RenderError(`${o.command} wrote no audio for ${o.midiFile}`);
  }
  await rename(temp, o.wavFile);
}
