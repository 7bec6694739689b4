// matmul on kernels/wgsl/matmul*.wgsl: batched (broadcast batch dims), transA/transB through
// strides, one pipeline per variant for every shape (M, N, K and strides are uniforms).
// Variants are the files matmul.wgsl (register-blocked, the default) and matmul.<name>.wgsl
// (tiled: workgroup memory; subgroup: needs the 'subgroups' feature; or a user's own file). Each
// starts with {{MATMUL_COMMON}} and names its output tile in a `// zoo: tile_m=.. tile_n=..` line.
import { BackendError } from '../../engine/errors.js';
import { matmulDims, type MatmulAttrs } from '../../engine/ops/linalg/matmul.js';
import { broadcastStrides, sizeOf } from '../../engine/shape.js';
import type { WebGPUKernel } from './kernel.js';
import { MAX_DIMS, params } from './program.js';
import { fillTemplate, headerOf, variantFile, wgslSource } from './wgsl.js';

export interface MatmulVariant {
  name: string;
  code: string;
  tileM: number;
  tileN: number;
  /** Features the variant needs (from `requires=a,b` in its header). */
  requires: string[];
  /** Reads B only through b4() (`b4=1` in its header): B may then be bound as vec4s. */
  b4: boolean;
  /** The source with B bound as scalars, and as vec4s, filled on first use. */
  filled: { scalar?: string; vec4?: string };
}

// op(B)[k, j0 .. j0+3] as four scalar loads (any layout; columns past N clamp to N - 1) or one
// vec4 load (row-major B with N % 4 == 0: every row starts on a vec4).
const B_SCALAR = {
  B_DECL: '@group(0) @binding(1) var<storage, read> B: array<f32>;',
  B_LOAD: `fn b4(bo: u32, k: u32, j0: u32) -> vec4<f32> {
  let j = min(vec4<u32>(j0, j0 + 1u, j0 + 2u, j0 + 3u), vec4<u32>(P.N - 1u)) * P.b_cs + (bo + k * P.b_ks);
  return vec4<f32>(B[j.x], B[j.y], B[j.z], B[j.w]);
}`,
};
const B_VEC4 = {
  B_DECL: '@group(0) @binding(1) var<storage, read> B: array<vec4<f32>>;',
  B_LOAD: `fn b4(bo: u32, k: u32, j0: u32) -> vec4<f32> {
  return B[(bo + k * P.b_ks + j0) / 4u];
}`,
};

const variants = new Map<string, MatmulVariant>();

/** The parsed variant `name` of matmul ('default' is matmul.wgsl). */
export function matmulVariant(name: string): MatmulVariant {
  let v = variants.get(name);
  if (v) return v;
  const src = wgslSource(variantFile('matmul', name));
  const h = headerOf(src);
  const tileM = Number(h['tile_m']), tileN = Number(h['tile_n']);
  if (!(tileM > 0 && tileN > 0)) throw new BackendError('matmul', `${variantFile('matmul', name)} needs a header line '// zoo: tile_m=<rows> tile_n=<cols>'`);
  const code = fillTemplate(src, { MATMUL_COMMON: wgslSource('matmul_common.wgsl') });
  v = { name, code, tileM, tileN, requires: (h['requires'] ?? '').split(',').filter(Boolean), b4: h['b4'] === '1', filled: {} };
  variants.set(name, v);
  return v;
}

export const matmul: WebGPUKernel<MatmulAttrs> = (ctx, [a, b], attrs, [o]) => {
  const { batch, M, K, N } = matmulDims(a!, b!, attrs);
  if (batch.length > MAX_DIMS) return null;
  const out = ctx.alloc(o!);
  const nBatch = sizeOf(batch);
  if (M === 0 || N === 0 || nBatch === 0) return [out];
  const name = ctx.variant('matmul');
  const v = matmulVariant(name);
  const missing = v.requires.filter((f) => !ctx.hasFeature(f));
  if (missing.length) throw new BackendError(`matmul.${name}`, `needs the adapter feature(s) ${missing.join(', ')}`);
  // Strides of op(A) as (i, k) and op(B) as (k, j), as in the ref kernel.
  const [aRs, aKs] = attrs.transA ? [1, M] : [K, 1];
  const [bKs, bCs] = attrs.transB ? [1, K] : [N, 1];
  const aBatch = broadcastStrides(a!.shape.slice(0, -2), batch).map((s) => s * M * K);
  const bBatch = broadcastStrides(b!.shape.slice(0, -2), batch).map((s) => s * K * N);
  const vec4B = v.b4 && !attrs.transB && N % 4 === 0;
  const code = vec4B ? (v.filled.vec4 ??= fillTemplate(v.code, B_VEC4)) : (v.filled.scalar ??= fillTemplate(v.code, B_SCALAR));
  const gx = Math.ceil(N / v.tileN), gy = Math.ceil(M / v.tileM);
  const maxZ = ctx.rt.limits.maxComputeWorkgroupsPerDimension;
  const label = name === 'default' ? 'matmul' : `matmul.${name}`;
  for (let z0 = 0; z0 < nBatch; z0 += maxZ) {
    const p = params().u32(M).u32(N).u32(K).u32(z0).u32(aRs).u32(aKs).u32(bKs).u32(bCs).u32(batch.length).u32(0).u32(0).u32(0)
      .dims(batch).dims(aBatch).dims(bBatch);
    ctx.dispatch({ name: label, code, inputs: [a!.storage, b!.storage], outputs: [out], params: p, workgroups: [gx, gy, Math.min(maxZ, nBatch - z0)] });
  }
  return [out];
};

