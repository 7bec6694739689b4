// Bilinear: y_o = x1ᵀ A_o x2 + b_o (torch.nn.Bilinear).
// x1 (..., in1), x2 (..., in2) with the same leading shape -> y (..., out); weight A (out, in1, in2).
import { ShapeError, fmtShape } from '../../errors.js';
import { add } from '../../ops/binary/add.js';
import { matmul } from '../../ops/linalg/matmul.js';
import { permute } from '../../ops/movement/permute.js';
import { reshape } from '../../ops/movement/reshape.js';
import { sizeOf } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { Module } from '../module.js';
import { checkCount, fanInBound, initUniform, type LayerOptions } from './layer-options.js';

export interface BilinearOptions extends LayerOptions {
  bias?: boolean;
}

export class Bilinear extends Module {
  /** (out, in1, in2), U(-1/sqrt(in1), 1/sqrt(in1)) as torch. */
  readonly weight: Tensor;
  readonly bias: Tensor | null;

  constructor(readonly in1Features: number, readonly in2Features: number, readonly outFeatures: number, opts: BilinearOptions = {}) {
    super();
    checkCount('Bilinear', 'in1Features', in1Features);
    checkCount('Bilinear', 'in2Features', in2Features);
    checkCount('Bilinear', 'outFeatures', outFeatures);
    // NOTE: torch bounds both by 1/sqrt(in1Features) (weight.size(1)), not by the full fan-in.
    const bound = fanInBound(in1Features);
    this.weight = this.param('weight', initUniform([outFeatures, in1Features, in2Features], bound, opts));
    this.bias = (opts.bias ?? true) ? this.param('bias', initUniform([outFeatures], bound, opts)) : null;
  }

  forward(x1: Tensor, x2: Tensor): Tensor {
    const I = this.in1Features, J = this.in2Features, O = this.outFeatures;
    const lead = x1.shape.slice(0, -1);
    if (x1.rank === 0 || x1.shape[x1.rank - 1] !== I || x2.rank === 0 || x2.shape[x2.rank - 1] !== J
      || x2.rank !== x1.rank || lead.some((d, i) => d !== x2.shape[i])) {
      throw new ShapeError('Bilinear', `x1 ${fmtShape(x1.shape)} and x2 ${fmtShape(x2.shape)}: expected (..., ${I}) and (..., ${J}) with the same leading shape`);
    }
    const M = sizeOf(lead);
    const w = reshape(permute(this.weight, [1, 0, 2]), [I, O * J]); // (I, O*J)
    const t = reshape(matmul(reshape(x1, [M, I]), w), [M, O, J]); // t[m,o,j] = Σ_i x1[m,i] A[o,i,j]
    const y = reshape(matmul(t, reshape(x2, [M, J, 1])), [M, O]); // y[m,o] = Σ_j t[m,o,j] x2[m,j]
    return reshape(this.bias ? add(y, this.bias) : y, [...lead, O]);
  }
}
