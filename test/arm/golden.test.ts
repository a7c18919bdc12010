import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { beforeAll, describe, expect, it } from 'vitest';
import { respondCommand } from '../../src/cli/respond-command.js';
import { wasmSimdAvailable } from '../../src/model/network/wasm/wasm-kernels.js';
import {
  callSmf,
  GOLDEN_CALLS,
  GOLDEN_CASES,
  GOLDEN_DIR,
  modelArgFor,
  type GoldenCall,
  type GoldenModel,
} from './golden-cases.js';

/**
 * Cross-architecture golden answers: `antiphon respond` on fixed calls with fixed seeds must
 * write byte-identical .mid files on x86-64, arm64 and armhf (the arm stage runs this file
 * under Debian's Node in qemu-user). The x86-64 run writes the files when asked:
 *   ANTIPHON_GOLDEN_WRITE=1 npx vitest run test/arm/golden.test.ts
 */
const WRITE = process.env.ANTIPHON_GOLDEN_WRITE === '1';
const silent = pino({ level: 'silent' });
const scratch = mkdtempSync(join(tmpdir(), 'antiphon-golden-'));
const models = new Map<GoldenModel, string>();

function callPath(call: GoldenCall): string {
  return join(GOLDEN_DIR, `call-${call}.mid`);
}

describe(`golden answers on ${process.arch}`, () => {
  beforeAll(async () => {
    if (WRITE) {
      if (process.arch !== 'x64') throw new Error(`golden files are written on x86-64 only, not ${process.arch}`);
      mkdirSync(GOLDEN_DIR, { recursive: true });
      for (const [name, hits] of Object.entries(GOLDEN_CALLS))
        writeFileSync(callPath(name as GoldenCall), callSmf(hits));
    }
    for (const model of new Set(GOLDEN_CASES.map((c) => c.model))) models.set(model, await modelArgFor(model, scratch));
  }, 120_000);

  it('runs the production kernels (WebAssembly SIMD int8), not the plain-JS fallback', () => {
    // Without SIMD the engine falls back to float32 JS, which answers differently: say so here.
    expect(
      wasmSimdAvailable(),
      `WebAssembly SIMD is unavailable under Node ${process.version} on ${process.arch}`,
    ).toBe(true);
  });

  it('keeps its fixed calls where the answers were made from them', () => {
    for (const [name, hits] of Object.entries(GOLDEN_CALLS)) {
      const path = callPath(name as GoldenCall);
      expect(existsSync(path), `${path} is missing (write it on x86-64 with ANTIPHON_GOLDEN_WRITE=1)`).toBe(true);
      expect(
        Buffer.from(readFileSync(path)).equals(Buffer.from(callSmf(hits))),
        `${path} no longer matches GOLDEN_CALLS`,
      ).toBe(true);
    }
  });

  for (const c of GOLDEN_CASES) {
    it(`answers ${c.name} (${c.model}, ${c.args.join(' ')}) byte for byte`, async () => {
      const model = models.get(c.model);
      if (model === undefined) throw new Error(`model ${c.model} was not prepared`);
      const out = join(scratch, `${c.name}.mid`);
      // The generated model is named relative to the scratch folder (see modelArgFor).
      const cwd = process.cwd();
      process.chdir(scratch);
      let code: number;
      try {
        code = await respondCommand(
          [callPath(c.call), '-o', out, '--model', model, ...c.args],
          silent,
          () => undefined,
        );
      } finally {
        process.chdir(cwd);
      }
      expect(code, `antiphon respond exited with ${code}`).toBe(0);
      const golden = join(GOLDEN_DIR, `${c.name}.mid`);
      if (WRITE) writeFileSync(golden, readFileSync(out));
      expect(existsSync(golden), `${golden} is missing (write it on x86-64 with ANTIPHON_GOLDEN_WRITE=1)`).toBe(true);
      const want = readFileSync(golden);
      const got = readFileSync(out);
      // Fails at the first differing byte, which names where the answers part.
      const at = got.findIndex((b, i) => b !== want[i]);
      expect({ length: got.length, firstDifferenceAt: got.length === want.length && at < 0 ? -1 : at }).toEqual({
        length: want.length,
        firstDifferenceAt: -1,
      });
    }, 300_000);
  }
});
