import { z } from 'zod';

/** tfjs `weights_manifest.json`: groups of weights laid end to end across a group's shards. */
const quantizationSchema = z.union([
  z.object({ dtype: z.enum(['uint8', 'uint16']), scale: z.number().finite(), min: z.number().finite() }),
  z.object({ dtype: z.literal('float16') }).passthrough(),
]);

const weightSchema = z.object({
  name: z.string().min(1),
  shape: z.array(z.number().int().nonnegative()),
  dtype: z.string(),
  quantization: quantizationSchema.optional(),
});

export const manifestSchema = z.array(
  z.object({
    paths: z.array(z.string().min(1)).min(1),
    weights: z.array(weightSchema),
  }),
);

export type WeightsManifest = z.infer<typeof manifestSchema>;
export type ManifestWeight = z.infer<typeof weightSchema>;
export type Quantization = z.infer<typeof quantizationSchema>;
/** How a tensor is stored on disk. */
export type StoredDtype = 'float32' | 'uint8' | 'uint16' | 'float16';

export function storedDtypeOf(weight: ManifestWeight): StoredDtype | undefined {
  if (weight.quantization !== undefined) return weight.quantization.dtype;
  return weight.dtype === 'float32' ? 'float32' : undefined;
}

export function bytesPerElement(dtype: StoredDtype): number {
  return dtype === 'float32' ? 4 : dtype === 'uint8' ? 1 : 2;
}

export function elementCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** The affine parameters of a uint8/uint16 tensor; identity otherwise. */
export function affineOf(q: Quantization | undefined): { scale: number; min: number } {
  if (q !== undefined && (q.dtype === 'uint8' || q.dtype === 'uint16')) return { scale: q.scale, min: q.min };
  return { scale: 1, min: 0 };
}
