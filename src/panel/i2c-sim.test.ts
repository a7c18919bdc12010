import { describe, expect, it } from 'vitest';
import { i2cBusContract } from '../../test/contract/i2c-bus.contract.js';
import { I2CError } from './i2c-bus.js';
import { NodeI2CBus } from './i2c-node.js';
import { SimI2CBus, StubChip } from './i2c-sim.js';

i2cBusContract('simulator', async () => {
  const bus = new SimI2CBus(1);
  bus.plug(0x48, new StubChip());
  return {
    bus,
    present: 0x48,
    absent: 0x49,
    missingBus: () => new SimI2CBus(99, false),
    removeAdapter: async () => bus.removeAdapter(),
    restoreAdapter: async () => bus.restoreAdapter(),
    dispose: async () => undefined,
  };
});

describe('NodeI2CBus on this machine', () => {
  it('reports a missing adapter as no-bus, naming the device file', async () => {
    const bus = new NodeI2CBus(250);
    const e = await bus.readByte(0x48, 0).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(I2CError);
    expect((e as I2CError).reason).toBe('no-bus');
    expect((e as I2CError).message).toContain('/dev/i2c-250');
    await bus.close();
  });
});
