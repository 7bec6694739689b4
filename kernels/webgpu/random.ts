// Random draws and dropout on kernels/wgsl/random.wgsl (Philox4x32-10 in WGSL, the same words as
// engine/rng.ts for the same seed and offset, so dropout masks match ref and native exactly).
import type { RandomParams, TensorMeta } from '../../engine/backend.js';
import type { DType } from '../../engine/dtype.js';
import type { DropoutAttrs } from '../../engine/ops/nn/dropout.js';
import { sizeOf } from '../../engine/shape.js';
import type { KernelContext, WebGPUKernel } from './kernel.js';
import { params, wgslType } from './program.js';
import type { GpuStorage } from './storage.js';
import { fillTemplate, wgslSource } from './wgsl.js';

const TWO32 = 4294967296;
/** u < p  ⇔  (w >>> 8) < ceil(p · 2^24), exactly (u = (w >>> 8) · 2^-24). */
const threshold = (p: number): number => Math.min(Math.ceil(p * 16777216), 16777216);

function store(dtype: DType, value: string, isBool = false): string {
  const t = wgslType(dtype);
  if (isBool) return t === 'f32' ? `select(0.0, 1.0, ${value})` : t === 'i32' ? `select(0, 1, ${value})` : `select(0u, 1u, ${value})`;
  return t === 'f32' ? value : t === 'i32' ? `i32(${value})` : `select(0u, 1u, ${value} != 0.0)`;
}

function drawCode(meta: TensorMeta, p: RandomParams): string {
  switch (p.kind) {
    case 'uniform': return `  out[i] = ${store(meta.dtype, 'P.a + (P.b - P.a) * uniform01(word(i))')};`;
    case 'normal': return `  out[i] = ${store(meta.dtype, 'P.a + P.b * normal(i)')};`;
    case 'bernoulli': return `  out[i] = ${store(meta.dtype, '(word(i) >> 8u) < P.threshold', true)};`;
    case 'randint': {
      const m = '  let m = select(mulhi(word(i), P.range), word(i), P.range_is_2_32 == 1u);';
      // int32: low + m with int32 wrap; float32: rounded once more than the float64 ref.
      return meta.dtype === 'int32' ? `${m}\n  out[i] = bitcast<i32>(bitcast<u32>(P.low_i) + m);` : `${m}\n  out[i] = ${store(meta.dtype, 'P.a + f32(m)')};`;
    }
  }
}

function randomParams(n: number, seed: number, offset: number, a: number, b: number, thresh: number, range: number, lowI: number) {
  return params()
    .u32(n).u32(thresh)
    .u32(seed % TWO32).u32(Math.floor(seed / TWO32))
    .u32(offset % TWO32).u32(Math.floor(offset / TWO32))
    .f32(a).f32(b)
    .u32(range % TWO32).u32(range === TWO32 ? 1 : 0)
    .i32(lowI).u32(0);
}

export function runRandom(ctx: KernelContext, out: GpuStorage, meta: TensorMeta, p: RandomParams): void {
  const n = sizeOf(meta.shape);
  if (n === 0) return;
  const code = fillTemplate(wgslSource('random.wgsl'), {
    BINDINGS: `@group(0) @binding(0) var<storage, read_write> out: array<${wgslType(meta.dtype)}>;`,
    PARAMS_BINDING: 1,
    MATH: wgslSource('math.wgsl'),
    DRAW: drawCode(meta, p),
  });
  const range = p.kind === 'randint' ? p.b - p.a : 0;
  const P = randomParams(n, p.seed, p.offset, p.a, p.b, p.kind === 'bernoulli' ? threshold(p.a) : 0, range, p.kind === 'randint' ? p.a : 0);
  ctx.dispatch({ name: p.kind === 'normal' ? 'randn' : p.kind === 'uniform' ? 'rand' : p.kind, code, inputs: [], outputs: [out], params: P, workgroups: Math.ceil(n / 64) });
}

// keep_i = u_i >= p; y_i = keep_i ? x_i · 1/(1-p) : 0 (the ref kernel's formula).
export const dropout: WebGPUKernel<DropoutAttrs> = (ctx, [x], { p, seed, offset }, [o]) => {
  const out = ctx.alloc(o!);
  const n = sizeOf(o!.shape);
  if (n === 0) return [out];
  const code = fillTemplate(wgslSource('random.wgsl'), {
    BINDINGS: '@group(0) @binding(0) var<storage, read> x: array<f32>;\n@group(0) @binding(1) var<storage, read_write> out: array<f32>;',
    PARAMS_BINDING: 2,
    MATH: wgslSource('math.wgsl'),
    DRAW: '  out[i] = select(0.0, x[i] * P.a, (word(i) >> 8u) >= P.threshold);',
  });
  const scale = p >= 1 ? 0 : 1 / (1 - p);
  ctx.dispatch({ name: 'dropout', code, inputs: [x!.storage], outputs: [out], params: randomParams(n, seed, offset, scale, p, threshold(p), 0, 0), workgroups: Math.ceil(n / 64) });
  return [out];
};
