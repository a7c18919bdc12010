// The scrolling drum grid: rows are drums (kick at the bottom), columns are 16ths, the call
// and each voice's answer in their own colours, and a playhead that moves with the beat.

/** Colours by who played: the call, then voices in the order they first appear. */
const CALL_COLOUR = '#f2cc60';
const VOICE_COLOURS = ['#39c5cf', '#db61a2', '#7ee787', '#a371f7', '#ff7b72'];

export class DrumGrid {
  /** @param {HTMLCanvasElement} canvas @param {HTMLElement} legend */
  constructor(canvas, legend) {
    this.canvas = canvas;
    this.legend = legend;
    this.drums = ['kick', 'snare', 'hat', 'open hat', 'low tom', 'mid tom', 'high tom', 'crash', 'ride'];
    /** @type {{step: number, drum: number, velocity: number, who: string}[]} */
    this.hits = [];
    /** @type {Map<string, string>} */
    this.colours = new Map([['call', CALL_COLOUR]]);
    this.stepsPerBar = 16;
    this.tempo = 120;
    this.beat = undefined; // { step, at } where `at` is performance.now() when it arrived
  }

  colourOf(who) {
    if (!this.colours.has(who)) this.colours.set(who, VOICE_COLOURS[(this.colours.size - 1) % VOICE_COLOURS.length]);
    this.#drawLegend();
    return this.colours.get(who);
  }

  /** The 16th under the playhead now, between beats by the tempo. */
  playhead() {
    if (!this.beat) return 0;
    const msPerStep = 60000 / this.tempo / 4;
    return this.beat.step + Math.min(8, (performance.now() - this.beat.at) / msPerStep);
  }

  onBeat(step) {
    this.beat = { step, at: performance.now() };
  }

  addHit(hit, who) {
    this.colourOf(who);
    this.hits.push({ ...hit, who });
  }

  /** An exchange replaces the live hits of its call and brings every voice's answer. */
  addExchange(x) {
    this.stepsPerBar = x.stepsPerBar;
    const from = x.call.startBar * x.stepsPerBar;
    const to = from + x.call.bars * x.stepsPerBar;
    this.hits = this.hits.filter((h) => !(h.who === 'call' && h.step >= from && h.step < to + 1));
    for (const h of x.call.hits) this.addHit(h, 'call');
    for (const t of x.turns) for (const h of t.hits) this.addHit(h, t.voice);
    this.#prune();
  }

  /**
   * Visible window in 16ths: four bars on a phone, eight on a wide screen, the playhead past
   * the middle so the call stays in view while its answer plays.
   */
  window() {
    const bars = this.canvas.clientWidth < 600 ? 4 : 8;
    const width = bars * this.stepsPerBar;
    const start = Math.floor(this.playhead() - width * 0.55);
    return { start, width };
  }

  /** Centre of a cell in CSS pixels, or undefined when it is off screen. */
  cellCentre(step, drum) {
    const { start, width } = this.window();
    if (step < start || step >= start + width) return undefined;
    const { labelW, cellW, cellH, rows } = this.#geometry(width);
    return { x: labelW + (step - start + 0.5) * cellW, y: (rows - 1 - drum + 0.5) * cellH };
  }

  #geometry(width) {
    const rows = this.drums.length;
    const labelW = 64;
    return { rows, labelW, cellW: (this.canvas.clientWidth - labelW) / width, cellH: this.canvas.clientHeight / rows };
  }

  #prune() {
    const keepFrom = this.playhead() - 8 * this.stepsPerBar;
    if (this.hits.length > 4000 || this.hits.some((h) => h.step < keepFrom))
      this.hits = this.hits.filter((h) => h.step >= keepFrom);
  }

  draw() {
    const c = this.canvas;
    const dpr = window.devicePixelRatio || 1;
    const w = c.clientWidth,
      h = c.clientHeight;
    if (c.width !== Math.round(w * dpr) || c.height !== Math.round(h * dpr)) {
      c.width = Math.round(w * dpr);
      c.height = Math.round(h * dpr);
    }
    const g = c.getContext('2d');
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.fillStyle = '#0d1117';
    g.fillRect(0, 0, w, h);
    const { start, width } = this.window();
    const { rows, labelW, cellW, cellH } = this.#geometry(width);
    g.font = `${Math.min(12, cellH * 0.6)}px system-ui, sans-serif`;
    g.textBaseline = 'middle';
    for (let r = 0; r < rows; r++) {
      g.fillStyle = '#8a93a0';
      g.fillText(this.drums[r], 4, (rows - 1 - r + 0.5) * cellH);
    }
    for (let i = 0; i <= width; i++) {
      const step = start + i;
      const x = labelW + i * cellW;
      g.fillStyle = step % this.stepsPerBar === 0 ? '#444c56' : step % 4 === 0 ? '#2d333b' : '#1b2027';
      g.fillRect(x, 0, 1, h);
    }
    for (const hit of this.hits) {
      if (hit.step < start || hit.step >= start + width) continue;
      const x = labelW + (hit.step - start) * cellW;
      const y = (rows - 1 - hit.drum) * cellH;
      g.globalAlpha = 0.45 + 0.55 * Math.min(1, hit.velocity / 127);
      g.fillStyle = this.colours.get(hit.who) ?? '#fff';
      g.fillRect(x + 1, y + 1, Math.max(1, cellW - 2), Math.max(1, cellH - 2));
    }
    g.globalAlpha = 1;
    const px = labelW + (this.playhead() - start) * cellW;
    g.fillStyle = '#ffffff';
    g.fillRect(px, 0, 2, h);
  }

  #drawLegend() {
    this.legend.replaceChildren(
      ...[...this.colours].map(([who, colour]) => {
        const item = document.createElement('span');
        const swatch = document.createElement('span');
        swatch.className = 'swatch';
        swatch.style.background = colour;
        item.append(swatch, who === 'call' ? 'call' : `voice ${who}`);
        return item;
      }),
    );
  }
}
