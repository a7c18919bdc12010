import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The box's native addons load under this Node and architecture (the arm stage runs this in
 * arm64 and armhf roots, with node_modules from scripts/arch/node-modules.sh). Each must load
 * a .node file of its own (directly or through its platform package), and expose what the
 * box calls. No device is opened: these roots have none.
 */
const require = createRequire(import.meta.url);

interface LoadedModule {
  readonly id: string;
  readonly children: readonly LoadedModule[];
}

function nativeFilesUnder(mod: LoadedModule | undefined, seen = new Set<LoadedModule>()): string[] {
  if (mod === undefined || seen.has(mod)) return [];
  seen.add(mod);
  if (mod.id.endsWith('.node')) return [mod.id];
  return mod.children.flatMap((c) => nativeFilesUnder(c, seen));
}

/** ELF e_machine values of the architectures the box runs on, as Node names them. */
const ELF_MACHINES: Readonly<Record<number, string>> = { 62: 'x64', 183: 'arm64', 40: 'arm' };

/** The architecture a shared object was built for, from its ELF header. */
function elfMachine(file: string): string {
  const header = readFileSync(file).subarray(0, 20);
  if (header.toString('latin1', 0, 4) !== '\x7fELF') return 'not ELF';
  const machine = header.readUInt16LE(18);
  return ELF_MACHINES[machine] ?? `e_machine ${machine}`;
}

/**
 * Requires an addon; returns the .node files it loaded that belong to it or to one of its
 * own dependencies (usb's platform package, onoff's epoll), not to a loader shared with
 * another addon.
 */
function load(name: string): { exports: Record<string, unknown>; native: string[] } {
  const pkg = require(`${name}/package.json`) as { dependencies?: object; optionalDependencies?: object };
  const owners = [name, ...Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies })];
  const path = require.resolve(name);
  const exports = require(name) as Record<string, unknown>;
  const native = nativeFilesUnder(require.cache[path] as LoadedModule | undefined)
    .filter((f) => owners.some((o) => f.includes(`/node_modules/${o}/`)))
    .map((f) => relative(process.cwd(), f));
  return { exports, native };
}

/** What the box uses of each addon (src/devices, src/control). */
const ADDONS: ReadonlyArray<{ readonly name: string; readonly uses: readonly string[] }> = [
  { name: '@julusian/midi', uses: ['Input', 'Output'] },
  { name: 'usb', uses: ['WebUSB', 'usb'] },
  { name: 'serialport', uses: ['SerialPort'] },
  { name: 'i2c-bus', uses: ['openSync', 'openPromisified'] },
  { name: 'onoff', uses: ['Gpio'] },
  // A class: what the Link helper calls is on its prototype.
  { name: 'abletonlink', uses: ['enable', 'getBeat', 'getPhase', 'setBpm', 'getNumPeers', 'setIsPlaying'] },
];

describe(`native addons on ${process.arch}`, () => {
  for (const addon of ADDONS) {
    it(`${addon.name} loads its own .node and exposes ${addon.uses.join(', ')}`, () => {
      const { exports, native } = load(addon.name);
      expect(native.length, `${addon.name} loaded no .node file`).toBeGreaterThan(0);
      for (const file of native) expect(`${file}: ${elfMachine(file)}`).toBe(`${file}: ${process.arch}`);
      const api =
        typeof exports === 'function' ? (exports as { prototype: Record<string, unknown> }).prototype : exports;
      for (const use of addon.uses) expect(api[use], `${addon.name}.${use}`).toBeDefined();
    });
  }
});
