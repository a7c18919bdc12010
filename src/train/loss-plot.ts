import type { HistoryPoint } from './train-state.js';

/** Loss curves (train and validation NLL per step against epochs) as a standalone SVG. */
export function lossCurveSvg(
  history: readonly HistoryPoint[],
  baselines: readonly { name: string; nll: number }[] = [],
): string {
  const width = 640;
  const height = 400;
  const pad = { left: 60, right: 20, top: 30, bottom: 45 };
  const xs = history.map((p) => p.epoch);
  const ys = [
    ...history.flatMap((p) => [p.trainLoss, p.valLoss, p.valCalibrated ?? NaN]),
    ...baselines.map((b) => b.nll),
  ].filter(Number.isFinite);
  const xMax = Math.max(1e-9, ...xs);
  const yMin = Math.min(...ys, Infinity);
  const yMax = Math.max(...ys, -Infinity);
  const span = yMax > yMin ? yMax - yMin : 1;
  const x = (v: number): number => pad.left + (v / xMax) * (width - pad.left - pad.right);
  const y = (v: number): number => pad.top + (1 - (v - yMin) / span) * (height - pad.top - pad.bottom);
  const line = (pick: (p: HistoryPoint) => number, colour: string, dashes = ''): string => {
    const pts = history
      .filter((p) => Number.isFinite(pick(p)))
      .map((p) => `${x(p.epoch).toFixed(1)},${y(pick(p)).toFixed(1)}`);
    const dash = dashes ? ` stroke-dasharray="${dashes}"` : '';
    return pts.length > 0
      ? `<polyline fill="none" stroke="${colour}" stroke-width="2"${dash} points="${pts.join(' ')}"/>`
      : '';
  };
  const ticks = Array.from({ length: 6 }, (_, i) => yMin + (span * i) / 5)
    .map((v) => `<text x="${pad.left - 6}" y="${y(v) + 4}" text-anchor="end" font-size="11">${v.toFixed(2)}</text>`)
    .join('');
  const baseLines = baselines
    .filter((b) => b.nll <= yMax + 1e-9)
    .map(
      (b) =>
        `<line x1="${pad.left}" x2="${width - pad.right}" y1="${y(b.nll)}" y2="${y(b.nll)}" stroke="#999" stroke-dasharray="4 3"/><text x="${width - pad.right}" y="${y(b.nll) - 4}" text-anchor="end" font-size="11" fill="#666">${escapeXml(b.name)} ${b.nll.toFixed(2)}</text>`,
    )
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif">
<rect width="100%" height="100%" fill="white"/>
<text x="${width / 2}" y="18" text-anchor="middle" font-size="14">NLL per step (nats): train (blue), validation (red; dashed: calibrated)</text>
<line x1="${pad.left}" y1="${height - pad.bottom}" x2="${width - pad.right}" y2="${height - pad.bottom}" stroke="black"/>
<line x1="${pad.left}" y1="${pad.top}" x2="${pad.left}" y2="${height - pad.bottom}" stroke="black"/>
<text x="${width / 2}" y="${height - 10}" text-anchor="middle" font-size="12">epochs (0 .. ${xMax.toFixed(1)})</text>
${ticks}${baseLines}${line((p) => p.trainLoss, '#2563eb')}${line((p) => p.valLoss, '#dc2626')}${line((p) => p.valCalibrated ?? NaN, '#dc2626', '6 4')}
</svg>
`;
}

function escapeXml(s: string): string {
  return s.replace(/[<>&"]/g, (ch) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[ch] ?? ch);
}
