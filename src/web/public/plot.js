// Each answer's log-likelihood per step, plotted with uPlot, and its total beside the call's own.

const fmt = (v) => (Number.isFinite(v) ? v.toFixed(1) : '–');

export class LikelihoodPlot {
  /** @param {HTMLElement} box @param {HTMLElement} totals @param {(who: string) => string} colourOf */
  constructor(box, totals, colourOf) {
    this.box = box;
    this.totals = totals;
    this.colourOf = colourOf;
    this.plot = undefined;
    this.exchange = undefined;
    new ResizeObserver(() => this.plot?.setSize(this.#size())).observe(box);
  }

  #size() {
    return { width: Math.max(200, this.box.clientWidth), height: 180 };
  }

  /** Draws one exchange: the call (how expected the first voice found it), then each answer. */
  show(x) {
    this.exchange = x;
    const series = [];
    const primer = x.turns[0]?.primerLogLikelihood;
    if (primer) series.push({ who: 'call', label: 'call', ll: primer });
    for (const t of x.turns) series.push({ who: t.voice, label: `voice ${t.voice}`, ll: t.logLikelihood });
    const length = Math.max(1, ...series.map((s) => s.ll.perStep.length));
    const xs = Array.from({ length }, (_, i) => i);
    const data = [xs, ...series.map((s) => xs.map((i) => s.ll.perStep[i] ?? null))];
    this.totals.replaceChildren(
      ...series.map((s) => {
        const item = document.createElement('span');
        item.dataset.who = s.who;
        item.dataset.total = String(s.ll.total);
        const swatch = document.createElement('span');
        swatch.className = 'swatch';
        swatch.style.background = this.colourOf(s.who);
        item.append(
          swatch,
          `${s.label}: ${fmt(s.ll.total)} (${fmt(s.ll.total / Math.max(1, s.ll.perStep.length))}/step)`,
        );
        return item;
      }),
    );
    this.plot?.destroy();
    this.plot = new window.uPlot(
      {
        ...this.#size(),
        scales: { x: { time: false } },
        axes: [
          { stroke: '#8a93a0', grid: { stroke: '#2d333b' }, label: '16th' },
          { stroke: '#8a93a0', grid: { stroke: '#2d333b' }, label: 'log p' },
        ],
        series: [
          { label: 'step' },
          ...series.map((s) => ({ label: s.label, stroke: this.colourOf(s.who), width: 2, points: { show: false } })),
        ],
        legend: { show: false },
      },
      data,
      this.box,
    );
  }
}
