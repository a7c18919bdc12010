/** A note left sounding on an output; releasing it needs exactly these three facts. */
export interface SoundingNote {
  readonly output: string;
  readonly channel: number;
  readonly note: number;
}

/**
 * Remembers which notes each source (a device, a model voice) has left sounding on which
 * outputs, so that when a source vanishes mid-note, or panic is pressed, every one of them
 * can be released: a stage box must never leave a hung note.
 */
export class NoteTracker {
  readonly #sounding = new Map<string, Map<string, SoundingNote>>();

  noteOn(source: string, output: string, channel: number, note: number): void {
    const notes = this.#sounding.get(source) ?? new Map<string, SoundingNote>();
    notes.set(`${output}|${channel}|${note}`, { output, channel, note });
    this.#sounding.set(source, notes);
  }

  noteOff(source: string, output: string, channel: number, note: number): void {
    this.#sounding.get(source)?.delete(`${output}|${channel}|${note}`);
  }

  /** Forgets and returns every note the source left sounding. */
  releaseSource(source: string): SoundingNote[] {
    const notes = [...(this.#sounding.get(source)?.values() ?? [])];
    this.#sounding.delete(source);
    return notes;
  }

  /** An output vanished: nothing can be released there any more. */
  forgetOutput(output: string): void {
    for (const notes of this.#sounding.values()) {
      for (const [key, n] of notes) if (n.output === output) notes.delete(key);
    }
  }

  /** Forgets and returns everything sounding anywhere (panic). */
  releaseAll(): SoundingNote[] {
    const all = [...this.#sounding.values()].flatMap((m) => [...m.values()]);
    this.#sounding.clear();
    return all;
  }

  get soundingCount(): number {
    let n = 0;
    for (const m of this.#sounding.values()) n += m.size;
    return n;
  }
}
