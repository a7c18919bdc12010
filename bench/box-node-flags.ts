import { readFileSync } from 'node:fs';

const UNIT = new URL('../os-image/systemd/antiphon.service', import.meta.url);

/**
 * The node flags the box runs under as a service (the unit's ExecStart, between node and
 * the script), so bench:memory and bench:startup measure what the box really runs, from
 * the one place that says it (none today; npm start in package.json should match it).
 */
export function boxNodeFlags(): string[] {
  const exec = /^ExecStart=\S+\s+(.*?)\s*\S*dist\/cli\/main\.js/m.exec(readFileSync(UNIT, 'utf8'));
  if (!exec) throw new Error(`${UNIT.pathname}: no ExecStart running dist/cli/main.js`);
  return (exec[1] ?? '').split(/\s+/).filter((f) => f.startsWith('--'));
}
