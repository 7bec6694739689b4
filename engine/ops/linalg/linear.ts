import fc from 'fast-check';
import { arbDim } from '../../arb.js';
import type { TensorMeta } from '../../backend.js';
import { F, type CheckCase, type ValueSource } from '../../check.js';
import { apply1 } from '../../dispatch.js';
import { promoteTypes } from '../../dtype.js';
import { ShapeError, ValueError, fmtShape } from '../../errors.js';
import { defineOp } from '../../op.js';
import { sizeOf } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { add } from '../binary/add.js';
import { reshape } from '../movement/reshape.js';
import { sum } from '../reduce/sum.js';
import { gelu, geluOp } from '../unary/gelu.js';
import { relu, reluOp } from '../unary/relu.js';
import { silu, siluOp } from '../unary/silu.js';
import { bytesOf, requireFloat } from '../infer.js';
import { matmul } from './matmul.js';

// torch.nn.functional.linear with a fused epilogue: y = act(x Wᵀ + b) + residual.
export const LINEAR_ACTIVATIONS = ['none', 'relu', 'gelu', 'gelu_tanh', 'silu'] as const;
export type LinearActivation = (typeof LINEAR_ACTIVATIONS)[number];

export interface LinearAttrs {
  /** Applied after the bias and before the residual (default 'none'). */
  activation?: LinearActivation;
  /** The last input is a residual (..., N) added after the activation (default false). */
  residual?: boolean;
}

/** Inputs x (..., K), weight (N, K)[, bias (N)][, residual (..., N)] and the sizes of the product. */
export interface LinearParts<T> {
  x: T;
  weight: T;
  bias: T | null;
  residual: T | null;
  /** Rows of x (the product of its leading dims; 1 for a vector x). */
  M: number;
  K: number;
  N: number;
}

export const linearActivation = (a: LinearAttrs): LinearActivation => a.activation ?? 'none';

/** Splits and validates the inputs (the op's `infer` and every kernel use this). */
export function linearParts<T extends TensorMeta>(inputs: readonly T[], attrs: LinearAttrs): LinearParts<T> {
  const op = 'linear';
  if (inputs.length < 2 || inputs.length > 4) throw new ValueError(op, `expects 2 to 4 tensor inputs (x, weight[, bias][, residual]), got ${inputs.length}`);
  const act = linearActivation(attrs);
  if (!(LINEAR_ACTIVATIONS as readonly string[]).includes(act)) throw new ValueError(op, `activation '${String(act)}' must be one of ${LINEAR_ACTIVATIONS.join(', ')}`);
  const hasRes = attrs.residual ?? false;
  if (typeof hasRes !== 'boolean') throw new ValueError(op, `residual ${String(hasRes)} must be a boolean`);
  const hasBias = inputs.length - 2 - (hasRes ? 1 : 0);
  if (hasBias < 0 || hasBias > 1) {
    throw new ValueError(op, `${inputs.length} inputs with residual: ${hasRes}; expected x, weight, optional bias${hasRes ? ' and the residual' : ' (pass residual: true for a 4th input)'}`);
  }
  const [x, weight] = inputs as [T, T];
  const bias = hasBias ? inputs[2]! : null, residual = hasRes ? inputs[inputs.length - 1]! : null;
  const names = ['x', 'weight', 'bias', 'residual'] as const;
  [x, weight, bias, residual].forEach((m, i) => m && requireFloat(op, names[i]!, m));
  if (x.shape.length < 1) throw new ShapeError(op, `x ${fmtShape(x.shape)} must have at least 1 dimension (..., in_features)`);
  if (weight.shape.length !== 2) throw new ShapeError(op, `weight ${fmtShape(weight.shape)} must be 2-D (out_features, in_features)`);
  const [N, K] = weight.shape as [number, number];
  if (x.shape[x.shape.length - 1] !== K) throw new ShapeError(op, `x ${fmtShape(x.shape)} and weight ${fmtShape(weight.shape)}: x's last dimension must equal in_features = ${K}`);
  if (bias && !(bias.shape.length === 1 && bias.shape[0] === N)) throw new ShapeError(op, `bias ${fmtShape(bias.shape)} must have shape (${N}) (out_features of weight ${fmtShape(weight.shape)})`);
  const outShape = [...x.shape.slice(0, -1), N];
  if (residual && (residual.shape.length !== outShape.length || residual.shape.some((d, i) => d !== outShape[i]))) {
    throw new ShapeError(op, `residual ${fmtShape(residual.shape)} must have the output's shape ${fmtShape(outShape)}`);
  }
  return { x, weight, bias, residual, M: sizeOf(x.shape.slice(0, -1)), K, N };
}

/** The activation as its own op (also the decomposition's). */
function activate(z: Tensor, act: LinearActivation): Tensor {
  switch (act) {
    case 'relu': return relu(z);
    case 'gelu': return gelu(z);
    case 'gelu_tanh': return gelu(z, { approximate: 'tanh' });
    case 'silu': return silu(z);
    default: return z;
  }
}

/** d act(z)/dz · dH through the activation op's own VJP (h = act(z) is its output). */
function activationVjp(z: Tensor, h: Tensor, dH: Tensor, act: LinearActivation): Tensor {
  const ctx = { inputs: [z], outputs: [h], dOut: dH, dOuts: [dH] };
  switch (act) {
    case 'relu': return reluOp.vjp!({ ...ctx, attrs: {} })[0]!;
    case 'gelu': return geluOp.vjp!({ ...ctx, attrs: {} })[0]!;
    case 'gelu_tanh': return geluOp.vjp!({ ...ctx, attrs: { approximate: 'tanh' } })[0]!;
    case 'silu': return siluOp.vjp!({ ...ctx, attrs: {} })[0]!;
    default: return dH;
  }
}

/** y = act(x Wᵀ + b) + r written with ops. */
function decompose(inputs: readonly Tensor[], attrs: LinearAttrs): Tensor[] {
  const { x, weight, bias, residual } = linearParts(inputs, attrs);
  let z = matmul(x, weight, { transB: true }); // (..., N)
  if (bias) z = add(z, bias);
  const h = activate(z, linearActivation(attrs));
  return [residual ? add(h, residual) : h];
}

/**
 * z = x Wᵀ + b, h = act(z), y = h + r: dR = dY, dZ = act'(z)·dY, dX = dZ W, dW = dZᵀ x (leading
 * dims flattened), dB = Σ dZ over rows. NOTE: the op keeps only y, so z is recomputed (one more
 * GEMM) for gelu, gelu_tanh and silu; relu without a residual reads its mask from y (y > 0 ⇔ z > 0).
 */
function vjp({ inputs, outputs, dOut, attrs }: { inputs: readonly Tensor[]; outputs: readonly Tensor[]; dOut: Tensor; attrs: LinearAttrs }): (Tensor | null)[] {
  const { x, weight, bias, residual, M, K, N } = linearParts(inputs, attrs);
  const act = linearActivation(attrs);
  let dZ = dOut;
  if (act === 'relu' && !residual) {
    dZ = activationVjp(outputs[0]!, outputs[0]!, dOut, act);
  } else if (act !== 'none') {
    const z = linear(x, weight, bias);
    dZ = activationVjp(z, activate(z, act), dOut, act);
  }
  const dZ2 = reshape(dZ, [M, N]);
  const dX = reshape(matmul(dZ2, weight), x.shape); // (M, K) -> x's shape
  const dW = matmul(dZ2, reshape(x, [M, K]), { transA: true }); // (N, K)
  return [dX, dW, ...(bias ? [sum(dZ2, { axes: 0 })] : []), ...(residual ? [dOut] : [])];
}

// Cases: x of rank 1-3, every optional input and activation. relu cases always have a bias and
// get integer x, W and a bias at half-integers (values()), so x Wᵀ + b stays ≥ 0.5 from the kink.
const cases = fc
  .record({
    lead: fc.array(arbDim(4, true), { minLength: 0, maxLength: 2 }),
    K: arbDim(5, true),
    N: arbDim(5, true),
    bias: fc.boolean(),
    residual: fc.boolean(),
    activation: fc.constantFrom<LinearActivation>(...LINEAR_ACTIVATIONS),
  })
  .map(({ lead, K, N, bias, residual, activation }) => {
    const withBias = bias || activation === 'relu';
    const shapes = [[...lead, K], [N, K], ...(withBias ? [[N]] : []), ...(residual ? [[...lead, N]] : [])];
    return { shapes, attrs: { activation, residual } as LinearAttrs };
  });

function values(c: CheckCase<LinearAttrs>, src: ValueSource): (number[] | null)[] {
  if (linearActivation(c.attrs) !== 'relu') return [];
  const ints = (n: number) => Array.from({ length: n }, () => src.int(-2, 3));
  return c.shapes.map((s, i) => (i < 2 ? ints(sizeOf(s)) : i === 2 ? ints(sizeOf(s)).map((v) => v + 0.5) : null));
}

const ACT_FLOPS: Record<LinearActivation, number> = { none: 0, relu: 1, gelu: 20, gelu_tanh: 20, silu: 5 };

export const linearOp = defineOp({
  name: 'linear',
  family: 'linalg',
  doc: "y = act(x Wᵀ + b) + residual (torch.nn.functional.linear with a fused epilogue; activation 'none'|'relu'|'gelu'|'gelu_tanh'|'silu')",
  infer: (inputs: readonly TensorMeta[], attrs: LinearAttrs) => {
    const { x, N } = linearParts(inputs, attrs);
    return [{ shape: [...x.shape.slice(0, -1), N], dtype: inputs.map((m) => m.dtype).reduce(promoteTypes) }];
  },
  vjp,
  decompose,
  check: { cases, inputs: [F], values, secondOrder: true },
  cost: (inputs, outputs, attrs) => {
    const { M, K, N, bias, residual } = linearParts(inputs, attrs);
    const epilogue = (bias ? 1 : 0) + (residual ? 1 : 0) + ACT_FLOPS[linearActivation(attrs)];
    return { flops: M * N * (2 * K + epilogue), bytes: bytesOf(inputs) + bytesOf(outputs) };
  },
});

/** torch.nn.functional.linear(x, weight, bias), then `activation`, then `+ residual`. */
export function linear(x: Tensor, weight: Tensor, bias: Tensor | null = null, opts: { activation?: LinearActivation; residual?: Tensor | null } = {}): Tensor {
  const residual = opts.residual ?? null;
  const attrs: LinearAttrs = { ...(opts.activation && opts.activation !== 'none' ? { activation: opts.activation } : {}), ...(residual ? { residual: true } : {}) };
  return apply1(linearOp, [x, weight, ...(bias ? [bias] : []), ...(residual ? [residual] : [])], attrs);
}
