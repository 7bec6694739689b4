import type { TensorMeta } from '../../backend.js';
import { F } from '../../check.js';
import { apply1 } from '../../dispatch.js';
import { ShapeError, ZooError, fmtShape } from '../../errors.js';
import { defineOp } from '../../op.js';
import { sizeOf } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { bytesOf, requireArity, requireFloat } from '../infer.js';
import { convInputGrad, convWeightGradAsOps } from './conv-grad.js';
import { conv2d, conv2dCases, type Conv2dAttrs } from './conv2d.js';
import { convGeom, intTuple, requireRank, type ConvGeom, type IntPair } from './conv-util.js';

export interface Conv2dWeightGradAttrs extends Conv2dAttrs {
  /** (kh, kw) of the weight: several kernel sizes give the same output size, so it is stated. */
  kernelSize: IntPair;
}

/** Geometry of the conv2d whose weight gradient this is: x (N,C,H,W), dOut (N,O,oh,ow) as that conv's output. */
export function weightGradGeom(inputs: readonly TensorMeta[], attrs: Conv2dWeightGradAttrs): ConvGeom {
  const op = 'conv2d_weight_grad';
  requireArity(op, inputs, 2);
  const [x, dOut] = inputs as [TensorMeta, TensorMeta];
  requireFloat(op, 'dOut', dOut);
  requireRank(op, 'dOut', dOut, 4, '(N,O,oh,ow)');
  requireRank(op, 'x', x, 4, '(N,C,H,W)');
  const [kh, kw] = intTuple(op, 'kernelSize', attrs.kernelSize, 2, 1, 1) as [number, number];
  const G = attrs.groups ?? 1;
  const C = x.shape[1]!;
  // The weight (O, C/G, kh, kw); a C that G does not divide is reported by convGeom.
  const w: TensorMeta = { shape: [dOut.shape[1]!, Number.isInteger(C / G) ? C / G : 0, kh, kw], dtype: dOut.dtype };
  const g = convGeom(op, [x, w], attrs, 2);
  const want = [g.N, g.O, g.wins[0]!.out, g.wins[1]!.out];
  if (!want.every((d, i) => d === dOut.shape[i])) {
    throw new ShapeError(op, `dOut ${fmtShape(dOut.shape)} must be the conv2d output ${fmtShape(want)} of x ${fmtShape(x.shape)} with a ${kh}×${kw} kernel`);
  }
  return g;
}

const convAttrs = ({ kernelSize: _k, ...rest }: Conv2dWeightGradAttrs): Conv2dAttrs => rest;

/** conv2d's cases, with dOut in place of the weight and bias (cases invalid for conv2d stay invalid). */
const cases = conv2dCases.map(({ shapes, attrs }) => {
  const [x, w] = shapes as [number[], number[]];
  const gattrs: Conv2dWeightGradAttrs = { ...attrs, kernelSize: [w[2]!, w[3]!] };
  try {
    const g = convGeom('conv2d', [{ shape: x, dtype: 'float32' }, { shape: w, dtype: 'float32' }], attrs, 2);
    return { shapes: [x, [g.N, g.O, g.wins[0]!.out, g.wins[1]!.out]], attrs: gattrs };
  } catch (err) {
    if (err instanceof ZooError) return { shapes: [x, w], attrs: gattrs };
    throw err;
  }
});

export const conv2dWeightGradOp = defineOp({
  name: 'conv2d_weight_grad',
  family: 'nn',
  doc: 'torch.nn.grad.conv2d_weight: dW[o,c,p,q] = Σ_{n,i,j} dOut[n,o,i,j] · x_pad[n, g·C/G + c, i·sh + p·dh, j·sw + q·dw], g = group of o (the weight gradient of conv2d)',
  infer: (inputs: readonly TensorMeta[], attrs: Conv2dWeightGradAttrs) => {
    const g = weightGradGeom(inputs, attrs);
    return [{ shape: [g.O, g.C / g.G, g.wins[0]!.k, g.wins[1]!.k], dtype: g.dtype }];
  },
  // Bilinear in (x, dOut): <cot, dW> = <conv2d(x, cot), dOut> = <x, conv_transpose2d(dOut, cot)>.
  vjp: ({ inputs: [x, dOut], dOut: cot, attrs }) => {
    const g = weightGradGeom([x!, dOut!], attrs);
    return [x!.requiresGrad ? convInputGrad(dOut!, cot, g.G, g.wins) : null, dOut!.requiresGrad ? conv2d(x!, cot, null, convAttrs(attrs)) : null];
  },
  decompose: ([x, dOut], attrs) => {
    const g = weightGradGeom([x!, dOut!], attrs);
    return [convWeightGradAsOps(x!, dOut!, [g.O, g.C / g.G, g.wins[0]!.k, g.wins[1]!.k], g.G, g.wins)];
  },
  check: { cases, inputs: [F, F], secondOrder: true },
  // An FMA per (weight element, n, output position).
  cost: (inputs, outputs, attrs) => {
    const g = weightGradGeom(inputs, attrs);
    return { flops: 2 * sizeOf(outputs[0]!.shape) * g.N * g.wins[0]!.out * g.wins[1]!.out, bytes: bytesOf(inputs) + bytesOf(outputs) };
  },
});

/** torch.nn.grad.conv2d_weight(x, weight shape, dOut): the (O, C/groups, kh, kw) gradient of conv2d's weight. */
export function conv2dWeightGrad(x: Tensor, dOut: Tensor, attrs: Conv2dWeightGradAttrs): Tensor {
  return apply1(conv2dWeightGradOp, [x, dOut], attrs);
}
