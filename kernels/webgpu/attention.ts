// scaled_dot_product_attention (forward and backward) and rope on kernels/wgsl: one invocation per
// row, no workgroup memory and no barriers (kernels.md §1.4, §3.3). The fused forward is the default
// variant (scaled_dot_product_attention.wgsl; another `<op>.<variant>.wgsl` can be selected with
// setVariant): on SwiftShader it beat the unfused form (the op's decomposition: matmul, masked
// softmax, matmul) at B=2, H=4, T=128, D=64 causal, 0.58-0.61 s against 1.70-1.81 s forward and
// 3.0-3.2 s against 3.5-3.9 s forward+backward (medians of 9, a loaded 2-core box).
// The backward needs 12 storage buffers (7 inputs, dq, dk, dv, dS, row statistics): adapters with
// fewer per stage run the op-written backward instead.
import type { TensorMeta } from '../../engine/backend.js';
import { ropePlan, ropeTable, sdpaBiasKeyConstant, sdpaDims, sdpaScale, type RopeAttrs, type SdpaAttrs, type SdpaDims } from '../../engine/ops/nn/attention-util.js';
import { broadcastStrides, sameShape, sizeOf } from '../../engine/shape.js';
import type { GpuArg, KernelContext, WebGPUKernel } from './kernel.js';
import { params, type Params } from './program.js';
import { REDUCE } from './reduce.js';
import type { GpuStorage } from './storage.js';
import { fillTemplate, variantFile, wgslSource } from './wgsl.js';

// Row decoding, masks and scores shared by the attention shaders ({{ATTN_COMMON}}). Row
// (b·H + h)·Tq + i; its kv rows start at kv = (b·Hkv + h/G)·Tk; `end` is its causal key bound.
export const ATTN_COMMON = /* wgsl */ `
struct Row {
  kv: u32,
  end: u32,
  bo: i32,
  mo: i32,
  po: u32,
  q0: u32,
}

fn attn_row(row: u32) -> Row {
  let i = row % P.Tq;
  let bh = row / P.Tq;
  let h = bh % P.H;
  let b = bh / P.H;
  var end = P.Tk;
  if (P.causal != 0u) {
    end = u32(clamp(i32(i) + i32(P.Tk) - i32(P.Tq) + 1, 0, i32(P.Tk)));
  }
  let bo = i32(b) * P.st[0].x + i32(h) * P.st[0].y + i32(i) * P.st[0].z;
  let mo = i32(b) * P.st[1].x + i32(h) * P.st[1].y + i32(i) * P.st[1].z;
  return Row((b * (P.H / P.G) + h / P.G) * P.Tk, end, bo, mo, b * P.pad_b, row * P.D);
}

fn kept(r: Row, j: u32) -> bool {
  return mask[u32(r.mo + i32(j) * P.st[1].w)] != 0u && pad[r.po + j * P.pad_k] == 0u;
}

// A score as its two parts (bias_ij, scale·<q_i, k_j>) for a kept pair, (-inf, 0) otherwise.
// NOTE: softmax needs the gaps s_j − m; summed in float32, a bias much larger than the dot products
// (1e4 on every key) swallows their differences. Gaps taken part by part are exact when biases tie.
fn score(r: Row, j: u32) -> vec2<f32> {
  if (!kept(r, j)) {
    return vec2<f32>(P.neg_inf, 0.0);
  }
  var dot = 0.0;
  for (var c = 0u; c < P.D; c++) {
    dot += q[r.q0 + c] * k[(r.kv + j) * P.D + c];
  }
  return vec2<f32>(bias[u32(r.bo + i32(j) * P.st[0].w)], P.scale * dot);
}

fn gap(x: vec2<f32>, m: vec2<f32>) -> f32 {
  return (x.x - m.x) + (x.y - m.y);
}

// The score with the larger total (NaN wins, so a NaN row stays NaN).
fn pmax(a: vec2<f32>, b: vec2<f32>) -> vec2<f32> {
  let ta = a.x + a.y;
  let tb = b.x + b.y;
  if (is_nan(ta)) {
    return a;
  }
  if (is_nan(tb) || tb > ta) {
    return b;
  }
  return a;
}

fn is_dead(m: vec2<f32>) -> bool {
  return m.x == P.neg_inf;
}

// e^d for d <= 0 (NaN stays NaN). NOTE: SwiftShader's exp returns garbage far below its underflow
// (e.g. e^{-3e10}, a score gap that large magnitudes produce), so gaps below -104 give 0 directly.
fn pexp(d: f32) -> f32 {
  if (d < -104.0) {
    return 0.0;
  }
  return zexp(d);
}

// p·x where p is a probability of gap d: a p that underflowed in float32 but not in float64
// (d > -745) times an infinite x is that infinity there, not NaN.
fn mulp(p: f32, d: f32, x: f32) -> f32 {
  return select(p * x, x, p == 0.0 && d > -745.0 && !fin(x));
}
`;

const OP = 'scaled_dot_product_attention';
const BWD = 'scaled_dot_product_attention_backward';

/** The shared Params block: dims, scale, pad strides, ds mode, then bias and mask strides over (B, H, Tq, Tk). */
function attnParams(inputs: readonly GpuArg[], d: SdpaDims, attrs: SdpaAttrs, rows: number, dsRows: boolean): Params {
  const [, , , bias, mask, pad] = inputs;
  const scores = [d.B, d.H, d.Tq, d.Tk];
  const ps = broadcastStrides(pad!.shape, [d.B, d.Tk]);
  return params().u32(rows).u32(d.H).u32(d.H / d.Hkv).u32(d.Tq).u32(d.Tk).u32(d.D).u32(d.Dv).u32(attrs.causal ? 1 : 0)
    .f32(sdpaScale(attrs, d.D)).f32(-Infinity).u32(ps[0]!).u32(ps[1]!).u32(dsRows ? 1 : 0).u32(0).u32(0).u32(0)
    .dims([...broadcastStrides(bias!.shape, scores), ...broadcastStrides(mask!.shape, scores)]);
}

const math = () => wgslSource('math.wgsl');

/** attention_params.wgsl (inputs 0-5 and Params) with the uniform at `binding`. */
const attnParamsSource = (binding: number) => fillTemplate(wgslSource('attention_params.wgsl'), { PARAMS_BINDING: binding });

export const scaledDotProductAttention: WebGPUKernel<SdpaAttrs> = (ctx, inputs, attrs, [o]) => {
  const out = ctx.alloc(o!);
  const d = sdpaDims(inputs);
  const rows = d.B * d.H * d.Tq;
  if (rows * d.Dv === 0) return [out];
  const variant = ctx.variant(OP);
  const code = fillTemplate(wgslSource(variantFile(OP, variant)), { MATH: math(), ATTN_COMMON, ATTN_PARAMS: attnParamsSource(7) });
  const label = variant === 'default' ? OP : `${OP}.${variant}`;
  ctx.dispatch({ name: label, code, inputs: inputs.map((x) => x.storage), outputs: [out], params: attnParams(inputs, d, attrs, rows, false), workgroups: Math.ceil(rows / 64) });
  return [out];
};

/** dBias from dS (B, H, Tq, Tk) or the per-row 0·Σ dS (B, H, Tq, 1): summed over the dims the bias broadcasts along. */
function reduceToBias(ctx: KernelContext, ds: GpuStorage, dsShape: number[], bias: TensorMeta): GpuStorage | null {
  const lead = dsShape.length - bias.shape.length;
  const axes = dsShape.map((_, a) => a).filter((a) => dsShape[a] !== 1 && (a < lead || bias.shape[a - lead] === 1));
  const kept = dsShape.map((n, a) => (axes.includes(a) ? 1 : n));
  const res = REDUCE.sum(ctx, [{ storage: ds, shape: dsShape, dtype: 'float32' }], { axes, keepdims: true }, [{ shape: kept, dtype: 'float32' }]);
  return res ? res[0]! : null;
}

export const scaledDotProductAttentionBackward: WebGPUKernel<SdpaAttrs> = (ctx, inputs, attrs, outs) => {
  // 7 inputs + dq, dk, dv, dS, row statistics: adapters with fewer storage bindings decompose.
  if (ctx.rt.limits.maxStorageBuffersPerShaderStage < 12) return null;
  const d = sdpaDims(inputs);
  const [dq, dk, dv] = outs.slice(0, 3).map((m) => ctx.alloc(m)) as [GpuStorage, GpuStorage, GpuStorage];
  const biasMeta = outs[3]!;
  const scores = [d.B, d.H, d.Tq, d.Tk];
  const rows = d.B * d.H * d.Tq, kvRows = d.B * d.Hkv * d.Tk;
  const dsRows = sdpaBiasKeyConstant(biasMeta.shape);
  const dsShape = dsRows ? [d.B, d.H, d.Tq, 1] : scores;
  const direct = sameShape(dsShape, biasMeta.shape) || (dsRows && sizeOf(biasMeta.shape) === sizeOf(dsShape));
  const ds = direct ? ctx.alloc(biasMeta) : ctx.scratch(Math.max(1, sizeOf(dsShape)));
  const stats = ctx.scratch(Math.max(1, 4 * rows));
  const bindings = ['dq', 'dk', 'dv', 'ds', 'stats'].map((n, i) => `@group(0) @binding(${7 + i}) var<storage, read_write> ${n}: array<f32>;`).join('\n');
  const src = wgslSource(`${BWD}.wgsl`);
  const storages = inputs.map((x) => x.storage);
  // Each pass zero-fills the rows it owns, so empty query or key sets need no special case.
  for (const [pass, n] of [[1, rows], [2, kvRows]] as const) {
    if (n === 0) continue;
    const code = fillTemplate(src, { MATH: math(), ATTN_COMMON, ATTN_PARAMS: attnParamsSource(12), BINDINGS: bindings, PASS: `${pass}u` });
    ctx.dispatch({ name: BWD, code, inputs: storages, outputs: [dq, dk, dv, ds, stats], params: attnParams(inputs, d, attrs, n, dsRows), workgroups: Math.ceil(n / 64) });
  }
  ctx.release(stats);
  if (direct) return [dq, dk, dv, ds];
  const dBias = reduceToBias(ctx, ds, dsShape, biasMeta);
  ctx.release(ds);
  return dBias ? [dq, dk, dv, dBias] : null;
};

export const rope: WebGPUKernel<RopeAttrs> = (ctx, [x], attrs, [o]) => {
  const out = ctx.alloc(o!);
  const n = sizeOf(o!.shape);
  if (n === 0) return [out];
  const p = ropePlan(x!.shape, attrs), half = p.d / 2;
  const cosSin = ropeTable(p); // cos then sin, (T, d/2) each, as native's tables
  const tab = cosSin.length ? cosSin : new Float32Array(1); // no zero-size buffers
  const table = ctx.scratch(tab.length);
  ctx.rt.write(table, tab);
  const prm = params().u32(n).u32(p.T).u32(p.D).u32(p.d).u32(p.interleaved ? 1 : 0).u32(p.T * half);
  ctx.dispatch({ name: 'rope', code: wgslSource('rope.wgsl'), inputs: [x!.storage, table], outputs: [out], params: prm, workgroups: Math.ceil(n / 64) });
  ctx.release(table);
  return [out];
};

export const ATTENTION = {
  scaled_dot_product_attention: scaledDotProductAttention,
  scaled_dot_product_attention_backward: scaledDotProductAttentionBackward,
  rope,
} as const;
