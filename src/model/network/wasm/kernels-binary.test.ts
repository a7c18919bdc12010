import { describe, expect, it } from 'vitest';
import { assembleKernels } from './assemble.js';
import { KERNELS_WASM_BASE64 } from './kernels-binary.js';

describe('committed kernel binary', () => {
  it('is what kernels-wat.ts assembles to (run `npm run build:kernels` after editing it)', async () => {
    expect(await assembleKernels()).toBe(KERNELS_WASM_BASE64);
  });
});
