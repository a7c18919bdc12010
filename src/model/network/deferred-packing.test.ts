import { describe, expect, it } from 'vitest';
import { describeArchitecture } from '../checkpoint/architecture.js';
import { randomCheckpoint } from '../checkpoint/random-checkpoint.js';
import { readCheckpoint } from '../checkpoint/reader.js';
import { memorySource } from '../checkpoint/source.js';
import { serializeCheckpoint } from '../checkpoint/writer.js';
import { LstmNetwork } from './lstm-network.js';
import { wasmCapacityFor, wasmKernels } from './wasm/wasm-kernels.js';

describe('a network that defers its packing', () => {
  it.each([
    { layerUnits: [12, 20], kind: 'drums' as const },
    { layerUnits: [10, 18, 10], attentionLength: 5, kind: 'drums' as const },
  ])('is unpacked until asked, then answers bit for bit as one packed at once: %o', async (spec) => {
    const cp = await readCheckpoint(memorySource(serializeCheckpoint(randomCheckpoint({ ...spec, seed: 8 }))));
    const arch = describeArchitecture(cp);
    const make = (deferPacking: boolean): LstmNetwork =>
      new LstmNetwork(arch, cp, wasmKernels('int8', wasmCapacityFor(arch.parameterCount, 'int8')), {
        foldAttentionInput: true,
        deferPacking,
      });
    const eager = make(false);
    const deferred = make(true);
    expect(eager.packed).toBe(true);
    expect(deferred.packed).toBe(false);
    const [se, sd] = [eager.newState(), deferred.newState()];
    expect(deferred.packed).toBe(true);
    const [le, ld] = [new Float32Array(arch.eventDepth), new Float32Array(arch.eventDepth)];
    for (let t = 0; t < 12; t++) {
      const input = { event: (t * 29 + 3) % arch.eventDepth, aux: new Float32Array(arch.auxDepth) };
      eager.step(se, input, le);
      deferred.step(sd, input, ld);
      expect([...ld]).toEqual([...le]);
    }
    expect(deferred.weightBytes).toBe(eager.weightBytes);
  });

  it('packs once, and no longer needs the checkpoint afterwards', async () => {
    const cp = await readCheckpoint(memorySource(serializeCheckpoint(randomCheckpoint({ layerUnits: [8], seed: 2 }))));
    const arch = describeArchitecture(cp);
    const net = new LstmNetwork(arch, cp, wasmKernels('int8', wasmCapacityFor(arch.parameterCount, 'int8')), {
      deferPacking: true,
    });
    net.pack();
    const bytes = net.weightBytes;
    (cp.tensors as Map<string, unknown>).clear();
    net.pack();
    expect(net.weightBytes).toBe(bytes);
    const logits = new Float32Array(arch.eventDepth);
    net.step(net.newState(), { event: 1 }, logits);
    expect(logits.some((x) => x !== 0)).toBe(true);
  });
});
