// matmul on kernels/wgsl/matmul*.wgsl: batched (broadcast batch dims), transA/transB through
// strides, one pipeline per variant for every shape (M, N, K and strides are uniforms).
// Variants are the files matmul.wgsl (register-blocked, the default) and matmul.<name>.wgsl
// (tiled: workgroup memory; subgroup: needs the 'subgroups' feature; or a user's own file). Each
// starts with {{MATMUL_COMMON}} and names its output tile in a `// zoo: tile_m=.. tile_n=..` line.
// linear runs the same variant (x as A, W as transposed B) with store_c() specialized into its
// epilogue act(v + bias) + residual, so the epilogue is applied as each C element is written.
import { BackendError } from '../../engine/errors.js';
import { linearActivation, linearParts, type LinearActivation, type LinearAttrs } from '../../engine/ops/linalg/linear.js';
import { matmulDims, type MatmulAttrs } from '../../engine/ops/linalg/matmul.js';
import { broadcastStrides, sizeOf, type Shape } from '../../engine/shape.js';
import type { GpuArg, KernelContext, WebGPUKernel } from './kernel.js';
import { MAX_DIMS, params } from './program.js';
import type { GpuStorage } from './storage.js';
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
  /** Filled sources by B binding and epilogue (`scalar|plain`, `vec4|plain`, `scalar|linear:…`), on first use. */
  filled: Map<string, string>;
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

/** The epilogue specialization of store_c() and the bindings it adds (matmul_common.wgsl). */
interface Epilogue {
  key: string;
  values: { EPILOGUE_DECL: string; C_BINDING: number; P_BINDING: number; EPILOGUE: string };
}

const PLAIN: Epilogue = {
  key: 'plain',
  values: { EPILOGUE_DECL: '', C_BINDING: 2, P_BINDING: 3, EPILOGUE: 'fn store_c(idx: u32, j: u32, v: f32) {\n  C[idx] = v;\n}' },
};

// The activations as the unary kernels write them (elementwise.ts), on y.
const ACTIVATION: Record<LinearActivation, string> = {
  none: 'y',
  relu: 'select(y, 0.0, y < 0.0)',
  gelu: 'y * zphi(y)',
  gelu_tanh: 'y * zsigmoid(2.0 * SQRT_2_OVER_PI * (y + 0.044715 * y * y * y))',
  silu: 'y * zsigmoid(y)',
};

/** store_c() = act(v + BIAS[j]) + RES[idx]; bias and residual are bound after B when present. */
function linearEpilogue(bias: boolean, residual: boolean, act: LinearActivation): Epilogue {
  let binding = 2;
  const decl: string[] = [];
  if (bias) decl.push(`@group(0) @binding(${binding++}) var<storage, read> BIAS: array<f32>;`);
  if (residual) decl.push(`@group(0) @binding(${binding++}) var<storage, read> RES: array<f32>;`);
  const body = [
    `fn store_c(idx: u32, j: u32, v: f32) {`,
    `  var y = v${bias ? ' + BIAS[j]' : ''};`,
    ...(act === 'none' ? [] : [`  y = ${ACTIVATION[act]};`]),
    `  C[idx] = y${residual ? ' + RES[idx]' : ''};`,
    `}`,
  ].join('\n');
  return {
    key: `linear:${bias ? 'b' : ''}${residual ? 'r' : ''}:${act}`,
    values: { EPILOGUE_DECL: decl.join('\n'), C_BINDING: binding, P_BINDING: binding + 1, EPILOGUE: (act === 'none' ? '' : wgslSource('math.wgsl')) + body },
  };
}

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
  v = { name, code, tileM, tileN, requires: (h['requires'] ?? '').split(',').filter(Boolean), b4: h['b4'] === '1', filled: new Map() };
  variants.set(name, v);
  return v;
}

/** One batched product C[z] = op(A)[z]·op(B)[z] through `epi`; extra inputs (bias, residual) bind after B. */
interface Gemm {
  op: string;
  a: GpuArg;
  b: GpuArg;
  extra: GpuStorage[];
  out: GpuStorage;
  batch: Shape;
  M: number;
  K: number;
  N: number;
  transA: boolean;
  transB: boolean;
  epi: Epilogue;
}

function dispatchGemm(ctx: KernelContext, g: Gemm): void {
  const { batch, M, K, N } = g;
  const nBatch = sizeOf(batch);
  const name = ctx.variant('matmul');
  const v = matmulVariant(name);
  const missing = v.requires.filter((f) => !ctx.hasFeature(f));
  if (missing.length) throw new BackendError(`matmul.${name}`, `needs the adapter feature(s) ${missing.join(', ')}`);
  if (g.epi !== PLAIN && !v.code.includes('store_c(')) throw new BackendError(`${g.op}`, `the matmul variant '${name}' writes C directly; ${g.op}'s epilogue needs it to store through store_c(idx, j, v) (matmul_common.wgsl)`);
  // Strides of op(A) as (i, k) and op(B) as (k, j), as in the ref kernel.
  const [aRs, aKs] = g.transA ? [1, M] : [K, 1];
  const [bKs, bCs] = g.transB ? [1, K] : [N, 1];
  const aBatch = broadcastStrides(g.a.shape.slice(0, -2), batch).map((s) => s * M * K);
  const bBatch = broadcastStrides(g.b.shape.slice(0, -2), batch).map((s) => s * K * N);
  const vec4B = v.b4 && !g.transB && N % 4 === 0;
  const key = `${vec4B ? 'vec4' : 'scalar'}|${g.epi.key}`;
  let code = v.filled.get(key);
  if (!code) {
    code = fillTemplate(v.code, { ...(vec4B ? B_VEC4 : B_SCALAR), ...g.epi.values });
    v.filled.set(key, code);
  }
  const gx = Math.ceil(N / v.tileN), gy = Math.ceil(M / v.tileM);
  const maxZ = ctx.rt.limits.maxComputeWorkgroupsPerDimension;
  const label = name === 'default' ? g.op : `${g.op}.${name}`;
  for (let z0 = 0; z0 < nBatch; z0 += maxZ) {
    const p = params().u32(M).u32(N).u32(K).u32(z0).u32(aRs).u32(aKs).u32(bKs).u32(bCs).u32(batch.length).u32(0).u32(0).u32(0)
      .dims(batch).dims(aBatch).dims(bBatch);
    ctx.dispatch({ name: label, code, inputs: [g.a.storage, g.b.storage, ...g.extra], outputs: [g.out], params: p, workgroups: [gx, gy, Math.min(maxZ, nBatch - z0)] });
  }
}

export const matmul: WebGPUKernel<MatmulAttrs> = (ctx, [a, b], attrs, [o]) => {
  const { batch, M, K, N } = matmulDims(a!, b!, attrs);
  if (batch.length > MAX_DIMS) return null;
  const out = ctx.alloc(o!);
  if (M === 0 || N === 0 || sizeOf(batch) === 0) return [out];
  dispatchGemm(ctx, { op: 'matmul', a: a!, b: b!, extra: [], out, batch, M, K, N, transA: !!attrs.transA, transB: !!attrs.transB, epi: PLAIN });
  return [out];
};

// y = act(x Wᵀ + b) + r: x as A (M, K), W as op(B) = Wᵀ, one batch.
export const linear: WebGPUKernel<LinearAttrs> = (ctx, inputs, attrs, [o]) => {
  const { x, weight, bias, residual, M, K, N } = linearParts(inputs, attrs);
  const out = ctx.alloc(o!);
  if (M === 0 || N === 0) return [out];
  const epi = linearEpilogue(!!bias, !!residual, linearActivation(attrs));
  const extra = [bias, residual].flatMap((t) => (t ? [t.storage] : []));
  dispatchGemm(ctx, { op: 'linear', a: { ...x, shape: [M, K] }, b: weight, extra, out, batch: [], M, K, N, transA: false, transB: true, epi });
  return [out];
};
