import { spawnSync } from 'node:child_process';
import { readlinkSync } from 'node:fs';

export type RealtimeResult =
  { readonly ok: true; readonly tid: number } | { readonly ok: false; readonly reason: string };

/**
 * Moves the calling thread (only it: the inference worker keeps its normal priority) to
 * SCHED_FIFO, so the clock is not preempted by generation or other programs. On Linux the
 * thread id comes from /proc/thread-self; `chrt` does the syscall (Node has no binding for
 * sched_setscheduler). Needs CAP_SYS_NICE (root, or the service's AmbientCapabilities).
 * Never throws: without permission the clock still runs, just at normal priority.
 */
export function raiseThreadToRealtime(priority = 50): RealtimeResult {
  let tid: number;
  try {
    tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
  } catch {
    return { ok: false, reason: 'no /proc/thread-self (not Linux?)' };
  }
  const result = spawnSync('chrt', ['-f', '-p', String(priority), String(tid)], { encoding: 'utf8' });
  if (result.error) return { ok: false, reason: `chrt: ${result.error.message}` };
  if (result.status !== 0)
    return { ok: false, reason: `chrt exited ${String(result.status)}: ${result.stderr.trim()}` };
  return { ok: true, tid };
}
