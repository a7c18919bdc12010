import { kernelsWat } from './kernels-wat.js';

/** Assembles kernels-wat.ts with wabt (a devDependency: only the build and a test need it). */
export async function assembleKernels(): Promise<string> {
  const { default: initWabt } = (await import('wabt')) as unknown as { default: () => Promise<WabtModule> };
  const wabt = await initWabt();
  const module = wabt.parseWat('kernels.wat', kernelsWat(), { simd: true });
  try {
    module.validate();
    const { buffer } = module.toBinary({});
    return Buffer.from(buffer).toString('base64');
  } finally {
    module.destroy();
  }
}

interface WabtModule {
  parseWat(
    name: string,
    text: string,
    features: Record<string, boolean>,
  ): { validate(): void; toBinary(o: object): { buffer: Uint8Array }; destroy(): void };
}
