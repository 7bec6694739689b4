// Descriptors of every elementwise op over the one shared template kernels/wgsl/elementwise.wgsl:
// an expression per compute type (f: f32, i: i32) in the variables a, b, c and the attribute
// scalars P.p0, P.p1. Attribute defaults come from the same resolvers the ops' infer uses.
import type { TensorMeta } from '../../engine/backend.js';
import { promoteTypes, type DType } from '../../engine/dtype.js';
import type { ClampAttrs } from '../../engine/ops/binary/clamp.js';
import type { CastAttrs } from '../../engine/ops/linalg/cast.js';
import type { CeluAttrs } from '../../engine/ops/unary/celu.js';
import type { EluAttrs } from '../../engine/ops/unary/elu.js';
import type { GeluAttrs } from '../../engine/ops/unary/gelu.js';
import type { HardtanhAttrs } from '../../engine/ops/unary/hardtanh.js';
import type { LeakyReluAttrs } from '../../engine/ops/unary/leaky_relu.js';
import type { SoftplusAttrs } from '../../engine/ops/unary/softplus.js';
import { eluAlpha, geluApproximate, hardtanhBounds, leakyReluSlope, softplusParams } from '../../engine/ops/unary/util.js';
import { broadcastStrides, sameShape, sizeOf } from '../../engine/shape.js';
import type { GpuArg, KernelContext, WebGPUKernel } from './kernel.js';
import { MAX_DIMS, params, wgslType } from './program.js';
import type { GpuStorage } from './storage.js';
import { fillTemplate, wgslSource } from './wgsl.js';

type CT = 'f32' | 'i32';

/** One elementwise computation: the result expression and its type, the attribute scalars. */
interface Spec {
  /** Type the inputs are converted to (where's condition is loaded as bool regardless). */
  compute: CT;
  /** Result type of `expr`; default: compute. */
  result?: CT | 'bool';
  expr: string;
  p0?: number;
  p1?: number;
  /** where: input 0 is a bool condition named c; inputs 1, 2 are a, b. */
  condFirst?: boolean;
}

const NAMES = ['a', 'b', 'c'];

function storeExpr(result: CT | 'bool', out: DType): string {
  const st = wgslType(out);
  if (result === 'bool') return st === 'u32' ? 'select(0u, 1u, r)' : `select(${st}(0), ${st}(1), r)`;
  if (st === 'u32') return `select(0u, 1u, r != ${result}(0))`;
  return st === result ? 'r' : `${st}(r)`;
}

/** Records out = spec(inputs) with broadcasting into a fresh output buffer. */
export function runElementwise(ctx: KernelContext, name: string, inputs: readonly GpuArg[], o: TensorMeta, spec: Spec): GpuStorage | null {
  if (o.shape.length > MAX_DIMS) return null;
  const out = ctx.alloc(o);
  const n = sizeOf(o.shape);
  if (n === 0) return out;
  const offsets = inputs.map((x, k) => (sameShape(x.shape, o.shape) ? 'i' : sizeOf(x.shape) === 1 ? '0u' : `u32(o${k})`));
  const bindings = inputs.map((x, k) => `@group(0) @binding(${k}) var<storage, read> in${k}: array<${wgslType(x.dtype)}>;`);
  bindings.push(`@group(0) @binding(${inputs.length}) var<storage, read_write> out: array<${wgslType(o.dtype)}>;`);
  const loads = inputs.map((x, k) => {
    if (spec.condFirst && k === 0) return `  let c = in0[${offsets[0]}] != 0u;`;
    const v = NAMES[spec.condFirst ? k - 1 : k];
    return `  let ${v} = ${spec.compute}(in${k}[${offsets[k]}]);`;
  });
  const code = fillTemplate(wgslSource('elementwise.wgsl'), {
    BINDINGS: bindings.join('\n'),
    PARAMS_BINDING: inputs.length + 1,
    MATH: wgslSource('math.wgsl'),
    BROADCAST: offsets.some((s) => s.startsWith('u32')) ? 'true' : 'false',
    LOADS: loads.join('\n'),
    T: spec.result ?? spec.compute,
    EXPR: spec.expr,
    STORE: storeExpr(spec.result ?? spec.compute, o.dtype),
  });
  const st = inputs.map((x) => broadcastStrides(x.shape, o.shape));
  const p = params().u32(n).u32(o.shape.length).f32(spec.p0 ?? 0).f32(spec.p1 ?? 0).dims(o.shape);
  for (let k = 0; k < 3; k++) p.dims(st[k] ?? []);
  ctx.dispatch({ name, code, inputs: inputs.map((x) => x.storage), outputs: [out], params: p, workgroups: Math.ceil(n / 64) });
  return out;
}

type Expr = { f?: string; i?: string };

/** A kernel for a table entry: the compute type follows the output (or given) dtype. */
function kernel<A>(name: string, entry: (attrs: A) => Expr & { p0?: number; p1?: number }, computeOf?: (inputs: readonly GpuArg[], o: TensorMeta) => CT, result?: 'bool'): WebGPUKernel<A> {
  return (ctx, inputs, attrs, [o]) => {
    const e = entry(attrs);
    const compute = computeOf ? computeOf(inputs, o!) : o!.dtype === 'float32' ? 'f32' : 'i32';
    const expr = compute === 'f32' ? e.f : e.i;
    if (expr === undefined) return null;
    const spec: Spec = { compute, expr, ...(result ? { result } : {}), ...(e.p0 !== undefined ? { p0: e.p0 } : {}), ...(e.p1 !== undefined ? { p1: e.p1 } : {}) };
    const out = runElementwise(ctx, name, inputs, o!, spec);
    return out ? [out] : null;
  };
}

const fixed = (e: Expr) => () => e;
// Every unary float op maps NaN to NaN; the guard makes sure of it (SwiftShader's exp(NaN) is +inf).
const f = (expr: string): Expr => ({ f: `select(${expr}, a, is_nan(a))` });

// ---- unary ----
export const UNARY = {
  neg: kernel('neg', fixed({ f: '-a', i: '-a' })),
  abs: kernel('abs', fixed({ f: 'abs(a)', i: 'abs(a)' })),
  // NOTE: -0 -> 0 and NaN stays NaN, as the ref kernel.
  sign: kernel('sign', fixed({ f: 'select(select(select(a, 0.0, a == 0.0), -1.0, a < 0.0), 1.0, a > 0.0)', i: 'sign(a)' })),
  exp: kernel('exp', fixed(f('zexp(a)'))),
  log: kernel('log', fixed(f('zlog(a)'))),
  log1p: kernel('log1p', fixed(f('zlog1p(a)'))),
  expm1: kernel('expm1', fixed(f('zexpm1(a)'))),
  sqrt: kernel('sqrt', fixed(f('sqrt(a)'))),
  rsqrt: kernel('rsqrt', fixed(f('zrsqrt(a)'))),
  reciprocal: kernel('reciprocal', fixed(f('1.0 / a'))),
  square: kernel('square', fixed({ f: 'a * a', i: 'a * a' })),
  sin: kernel('sin', fixed(f('zsin(a)'))),
  cos: kernel('cos', fixed(f('zcos(a)'))),
  tanh: kernel('tanh', fixed(f('ztanh(a)'))),
  sigmoid: kernel('sigmoid', fixed(f('zsigmoid(a)'))),
  // select keeps NaN (NaN < 0 is false), as Math.max(x, 0) does.
  relu: kernel('relu', fixed({ f: 'select(a, 0.0, a < 0.0)', i: 'max(a, 0)' })),
  // NOTE: p1 is the slope for ±inf inputs: a slope below float32's range rounds to 0, and
  // -inf·0 would be NaN where the float64 answer is ±inf (p1 keeps the slope's sign then).
  leaky_relu: kernel('leaky_relu', (at: LeakyReluAttrs) => {
    const slope = leakyReluSlope(at);
    const p1 = slope !== 0 && Math.abs(slope) < 2 ** -126 ? Math.sign(slope) : slope;
    return { ...f('select(select(a * P.p0, a * P.p1, !fin(a)), a, a > 0.0)'), p0: slope, p1 };
  }),
  elu: kernel('elu', (at: EluAttrs) => ({ ...f('select(P.p0 * zexpm1(a), a, a > 0.0)'), p0: eluAlpha(at) })),
  selu: kernel('selu', fixed(f('SELU_SCALE * select(SELU_ALPHA * zexpm1(a), a, a > 0.0)'))),
  celu: kernel('celu', (at: CeluAttrs) => ({ ...f('select(P.p0 * zexpm1(a / P.p0), a, a > 0.0)'), p0: eluAlpha(at) })),
  gelu: kernel('gelu', (at: GeluAttrs) => f(geluApproximate(at) === 'tanh' ? 'a * zsigmoid(2.0 * SQRT_2_OVER_PI * (a + 0.044715 * a * a * a))' : 'a * zphi(a)')),
  silu: kernel('silu', fixed(f('a * zsigmoid(a)'))),
  mish: kernel('mish', fixed(f('a * ztanh(zsoftplus(a))'))),
  softplus: kernel('softplus', (at: SoftplusAttrs) => {
    const { beta, threshold } = softplusParams(at);
    return { ...f('select(zsoftplus(a * P.p0) / P.p0, a, a * P.p0 > P.p1)'), p0: beta, p1: threshold };
  }),
  softsign: kernel('softsign', fixed(f('a / (1.0 + abs(a))'))),
  hardtanh: kernel('hardtanh', (at: HardtanhAttrs) => {
    const { minVal, maxVal } = hardtanhBounds(at);
    return { ...f('select(select(a, P.p1, a > P.p1), P.p0, a < P.p0)'), p0: minVal, p1: maxVal };
  }),
  hardsigmoid: kernel('hardsigmoid', fixed(f('select(select(a / 6.0 + 0.5, 1.0, a >= 3.0), 0.0, a <= -3.0)'))),
  hardswish: kernel('hardswish', fixed(f('select(select(a * (a + 3.0) / 6.0, a, a >= 3.0), 0.0, a <= -3.0)'))),
  logsigmoid: kernel('logsigmoid', fixed(f('-zsoftplus(-a)'))),
} as const;

// ---- binary ----
const promoted = (inputs: readonly GpuArg[]): CT => (promoteTypes(inputs[0]!.dtype, inputs[1]!.dtype) === 'float32' ? 'f32' : 'i32');

// NaN-propagating max/min (torch.maximum): the comparison is false for NaN, the is_nan picks it.
const maxExpr = (t: CT) => (t === 'f32' ? 'select(select(b, a, a > b), a, is_nan(a))' : 'max(a, b)');
const minExpr = (t: CT) => (t === 'f32' ? 'select(select(b, a, a < b), a, is_nan(a))' : 'min(a, b)');

export const BINARY = {
  add: kernel('add', fixed({ f: 'a + b', i: 'a + b' })),
  sub: kernel('sub', fixed({ f: 'a - b', i: 'a - b' })),
  mul: kernel('mul', fixed({ f: 'a * b', i: 'a * b' })),
  div: kernel('div', fixed(f('a / b')), () => 'f32'),
  pow: kernel('pow', fixed({ f: 'zpow(a, b)', i: 'ipow(a, b)' })),
  maximum: kernel('maximum', fixed({ f: maxExpr('f32'), i: maxExpr('i32') })),
  minimum: kernel('minimum', fixed({ f: minExpr('f32'), i: minExpr('i32') })),
} as const;

// ---- comparisons: computed in the promoted input type, bool out ----
const compare = (name: string, op: string) => kernel(name, fixed({ f: `a ${op} b`, i: `a ${op} b` }), promoted, 'bool');
export const COMPARE = {
  eq: compare('eq', '=='),
  // NOTE: written as !(a == b): SwiftShader lowers `a != b` on f32 to an ordered compare, so NaN != x
  // came out false (torch and ref say true).
  ne: kernel('ne', fixed({ f: '!(a == b)', i: 'a != b' }), promoted, 'bool'),
  lt: compare('lt', '<'),
  le: compare('le', '<='),
  gt: compare('gt', '>'),
  ge: compare('ge', '>='),
} as const;

// ---- where, clamp, cast ----
export const where: WebGPUKernel<unknown> = (ctx, inputs, _attrs, [o]) => {
  const compute: CT = o!.dtype === 'float32' ? 'f32' : 'i32';
  const out = runElementwise(ctx, 'where', inputs, o!, { compute, expr: 'select(b, a, c)', condFirst: true });
  return out ? [out] : null;
};

// min(max(x, lo), hi) in that order: lo > hi gives hi everywhere and NaN stays NaN (torch.clamp).
export const clamp: WebGPUKernel<ClampAttrs> = (ctx, [x], { min, max }, [o]) => {
  const compute: CT = o!.dtype === 'float32' ? 'f32' : 'i32';
  const lo = min === undefined ? 'a' : compute === 'f32' ? 'select(a, P.p0, a < P.p0)' : 'max(a, i32(P.p0))';
  const expr = max === undefined ? lo : compute === 'f32' ? `select(${lo}, P.p1, ${lo} > P.p1)` : `min(${lo}, i32(P.p1))`;
  const out = runElementwise(ctx, 'clamp', [x!], o!, { compute, expr, p0: min ?? 0, p1: max ?? 0 });
  return out ? [out] : null;
};

// NOTE: float -> int32 truncates toward zero like the ref kernel, but WGSL saturates out-of-range
// values (and NaN) where JS wraps them modulo 2^32.
export const cast: WebGPUKernel<CastAttrs> = (ctx, [x], _attrs, [o]) => {
  const compute: CT = x!.dtype === 'float32' ? 'f32' : 'i32';
  const out = runElementwise(ctx, 'cast', [x!], o!, { compute, expr: 'a' });
  return out ? [out] : null;
};
