import fc from 'fast-check';
import type { TensorMeta } from '../../backend.js';
import { F } from '../../check.js';
import { apply1 } from '../../dispatch.js';
import { defineOp } from '../../op.js';
import type { Tensor } from '../../tensor.js';
import { reshape } from '../movement/reshape.js';
import { convAsOps, convGrads, needGrads } from './conv-grad.js';
import { arbBatch, arbGroupWidth, arbWinCase, convCost, convDimCase, convGeom, unitWin, type ConvPadMode, type Win } from './conv-util.js';

export interface Conv1dAttrs {
  stride?: number;
  /** Zero padding of both ends; 'valid' = 0; 'same' keeps L (stride 1; an odd total puts the extra element at the end). */
  padding?: number | 'same' | 'valid';
  dilation?: number;
  groups?: number;
}

/** Cases (channels and sizes grow under the parity profile): groups 1-3 (depthwise too), stride, dilation, padding (number, same, valid), bias or not. */
const cases = fc
  .record({
    n: arbBatch, g: fc.constantFrom(1, 1, 2, 3), cg: arbGroupWidth(), og: arbGroupWidth(),
    l: arbWinCase({ grow: true }), mode: fc.constantFrom<ConvPadMode>('number', 'number', 'same', 'valid'), bias: fc.boolean(),
  })
  .map(({ n, g, cg, og, l: l0, mode, bias }) => {
    const l = convDimCase(l0, mode);
    const attrs: Conv1dAttrs = { stride: l.s, dilation: l.d, groups: g, padding: mode === 'number' ? l.p : mode };
    return { shapes: [[n, g * cg, l.size], [g * og, cg, l.k], ...(bias ? [[g * og]] : [])], attrs };
  });

/** The 2-d windows of the equivalent conv2d on (N, C, 1, L). */
const wins2d = (x: TensorMeta, w: TensorMeta, attrs: Conv1dAttrs): Win[] => [unitWin, convGeom('conv1d', [x, w], attrs, 1).wins[0]!];
const as4d = (t: Tensor): Tensor => reshape(t, [t.shape[0]!, t.shape[1]!, 1, t.shape[2]!]);

export const conv1dOp = defineOp({
  name: 'conv1d',
  family: 'nn',
  doc: 'torch F.conv1d: y[n,o,i] = b[o] + Σ_{c∈group(o), p} w[o,c,p] · x_pad[n, c, i·stride + p·dilation]',
  infer: (inputs: readonly TensorMeta[], attrs: Conv1dAttrs) => {
    const { N, O, wins, dtype } = convGeom('conv1d', inputs, attrs, 1);
    return [{ shape: [N, O, wins[0]!.out], dtype }];
  },
  // The conv2d VJP on (N,C,1,L) with a (O,C/G,1,K) weight, reshaped back.
  vjp: ({ inputs, dOut, attrs }) => {
    const [x, w] = inputs as [Tensor, Tensor];
    const [dX, dW, db] = convGrads(as4d(x), as4d(w), as4d(dOut), attrs.groups ?? 1, wins2d(x, w, attrs), needGrads(inputs));
    return [dX ? reshape(dX, x.shape) : null, dW ? reshape(dW, w.shape) : null, db ?? null];
  },
  decompose: ([x, w, b], attrs) => {
    const y = convAsOps(as4d(x!), as4d(w!), b, attrs.groups ?? 1, wins2d(x!, w!, attrs));
    return [reshape(y, [y.shape[0]!, y.shape[1]!, y.shape[3]!])];
  },
  check: { cases, inputs: [F, F, F], secondOrder: true },
  cost: (inputs, outputs, attrs) => convCost(convGeom('conv1d', inputs, attrs, 1), inputs, outputs),
});

/**
 * torch.nn.functional.conv1d(x (N,C,L), weight (O,C/groups,K), bias (O) | null): (N,O,Lout),
 * Lout = floor((L + 2·padding - dilation·(K-1) - 1) / stride) + 1.
 */
export function conv1d(x: Tensor, weight: Tensor, bias: Tensor | null = null, attrs: Conv1dAttrs = {}): Tensor {
  return apply1(conv1dOp, bias ? [x, weight, bias] : [x, weight], attrs);
}
