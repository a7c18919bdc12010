import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Raised when modprobe cannot load a module the suite needs. */
export class ModuleLoadError extends Error {
  constructor(
    readonly module: string,
    readonly detail: string,
  ) {
    super(`modprobe ${module} failed: ${detail}`);
    this.name = 'ModuleLoadError';
  }
}

/** True when the kernel has the module loaded (or built in, which also shows in /sys/module). */
export function isModuleLoaded(name: string): boolean {
  return existsSync(`/sys/module/${name.replaceAll('-', '_')}`);
}

/**
 * Loads a kernel module unless it is already there. Parameters only apply on the first load,
 * so every suite should ask for the same ones (see the constants in usb-gadget.ts/virmidi.ts).
 */
export async function loadModule(name: string, params: readonly string[] = []): Promise<void> {
  if (isModuleLoaded(name)) return;
  try {
    await run('modprobe', [name, ...params]);
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new ModuleLoadError(name, stderr !== undefined && stderr !== '' ? stderr : String(error));
  }
}

/** Runs a command and returns its stdout; the error names the command and its stderr. */
export async function runTool(cmd: string, args: readonly string[]): Promise<string> {
  try {
    const { stdout } = await run(cmd, [...args]);
    return stdout;
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim() ?? '';
    throw new Error(`${cmd} ${args.join(' ')} failed: ${stderr === '' ? String(error) : stderr}`);
  }
}

/**
 * Unloads a module (modprobe -r) if it is loaded, so a suite leaves no devices behind for the
 * next file (the suites share one VM). Fails if something still holds it open.
 */
export async function unloadModule(name: string): Promise<void> {
  if (!isModuleLoaded(name)) return;
  try {
    await run('modprobe', ['-r', name]);
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new ModuleLoadError(`-r ${name}`, stderr !== undefined && stderr !== '' ? stderr : String(error));
  }
}
