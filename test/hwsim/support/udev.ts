import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { runTool } from './kmod.js';
import { waitFor } from './wait.js';

const UDEVD = '/lib/systemd/systemd-udevd';
const CONTROL_SOCKET = '/run/udev/control';

/**
 * Starts systemd-udevd in the guest unless it runs already. The `usb` package's hotplug
 * events and libudev users need it; without it device nodes also stay root-only 0600.
 */
export async function startUdevd(): Promise<void> {
  if (existsSync(CONTROL_SOCKET)) return;
  if (!existsSync(UDEVD)) throw new Error(`${UDEVD} is missing: install the Debian 'udev' package`);
  // --daemon forks and returns; names are not resolved because the guest has no NSS services.
  const child = spawn(UDEVD, ['--daemon', '--resolve-names=never'], { stdio: 'inherit' });
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  if (code !== 0) throw new Error(`${UDEVD} --daemon exited with ${String(code)}`);
  await waitFor(() => existsSync(CONTROL_SOCKET), { what: 'udevd control socket', timeoutMs: 10_000 });
}

/** Waits until udevd has handled every queued event (e.g. after a plug, before checking nodes). */
export async function udevSettle(timeoutS = 30): Promise<void> {
  await runTool('udevadm', ['settle', `--timeout=${timeoutS}`]);
}
