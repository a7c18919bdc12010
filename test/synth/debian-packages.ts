import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/**
 * Installs Debian packages a test needs when the file that shows them is missing (tests run as
 * root, as CI does), and fails loudly, naming the packages, when it cannot: never a silent skip.
 */
export function ensureDebianPackages(probe: string, packages: readonly string[]): void {
  if (existsSync(probe)) return;
  if (process.getuid?.() !== 0)
    throw new Error(`${probe} is missing and this is not root: apt-get install ${packages.join(' ')}`);
  try {
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'ignore', timeout: 300_000 });
    execFileSync('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...packages], {
      stdio: 'pipe',
      timeout: 600_000,
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  } catch (e) {
    throw new Error(`cannot install ${packages.join(' ')}: ${(e as Error).message}`);
  }
  if (!existsSync(probe)) throw new Error(`installed ${packages.join(' ')} but ${probe} is still missing`);
}

/** FluidSynth and the box's default soundfont. */
export const ensureFluidSynth = (): void =>
  ensureDebianPackages('/usr/share/sounds/sf2/TimGM6mb.sf2', ['fluidsynth', 'timgm6mb-soundfont']);
