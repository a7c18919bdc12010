import { execFileSync } from 'node:child_process';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const lint = new ESLint({ cwd: process.cwd() });
/** The fence's messages for `code` as if it were the file at `filePath`. */
async function fenceErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await lint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('the fence around the pure core', () => {
  it('fails the lint when the engine imports node:*, the devices, the system, the CLI or a test helper', async () => {
    for (const forbidden of [
      "import { readFileSync } from 'node:fs';",
      "import type { Role } from '../devices/roles.js';",
      "import type { Config } from '../system/config.js';",
      "import { runBox } from '../cli/box.js';",
      "import { virtualScheduler } from '../clock/testing.js';",
    ]) {
      const errors = await fenceErrors('src/perform/fence-probe.ts', `${forbidden}\nexport const probe = 1;\n`);
      expect(errors, forbidden).toHaveLength(1);
    }
  });

  it('holds for music, the model maths, the groove and the registry too, but not for the I/O beside them', async () => {
    const io = "import { readFile } from 'node:fs/promises';\nexport const probe = readFile;\n";
    for (const file of [
      'src/music/probe.ts',
      'src/model/network/probe.ts',
      'src/groove/probe.ts',
      'src/control/probe.ts',
    ])
      expect(await fenceErrors(file, io), file).toHaveLength(1);
    expect(await fenceErrors('src/model/checkpoint/source.ts', io)).toEqual([]);
    expect(await fenceErrors('src/box/probe.ts', io)).toEqual([]);
  });

  it('lets the core import itself and the clock units', async () => {
    expect(
      await fenceErrors(
        'src/perform/fence-probe.ts',
        "import { ticks } from '../clock/units.js';\nimport type { Exchange } from './engine-types.js';\nexport const probe: Exchange | number = ticks(1);\n",
      ),
    ).toEqual([]);
  });
});

describe('what ships in dist/', () => {
  it('leaves out tests and test helpers', () => {
    const files = execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json', '--listFilesOnly'], { encoding: 'utf8' })
      .split('\n')
      .filter((f) => f.includes('/src/'));
    expect(files.length).toBeGreaterThan(100);
    expect(files.filter((f) => /\.test\.ts$|\/testing(\.ts|\/)|test-rig\.ts$/.test(f))).toEqual([]);
  }, 60_000);
});
