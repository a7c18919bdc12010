import { pino, type Logger, type LevelWithSilent } from 'pino';

export type { Logger };

const LEVEL_NAMES: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
};

/** Renders one pino JSON line as "12:00:01.234 INFO  msg key=value" for a person at a terminal. */
export function humanLine(json: string): string {
  let rec: Record<string, unknown>;
  try {
    rec = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json;
  }
  const { level, time, msg, pid: _pid, hostname: _host, ...rest } = rec;
  const stamp = typeof time === 'number' ? new Date(time).toISOString().slice(11, 23) : '';
  const fields = Object.entries(rest)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
  return `${stamp} ${(LEVEL_NAMES[Number(level)] ?? String(level)).padEnd(5)} ${String(msg ?? '')}${fields ? `  ${fields}` : ''}\n`;
}

/**
 * The service log. JSON lines (for journald and tests) unless `human` is set, then one
 * readable line per record. Writes to stderr so stdout stays free for command output.
 */
export function createLogger(level: LevelWithSilent, human: boolean): Logger {
  const dest = human ? { write: (line: string) => process.stderr.write(humanLine(line)) } : process.stdout;
  return pino({ level, base: undefined }, dest);
}
