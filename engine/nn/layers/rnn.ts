// Elman recurrent network (torch.nn.RNNCell, torch.nn.RNN):
//   h' = act(x Wᵢₕᵀ + bᵢₕ + h Wₕₕᵀ + bₕₕ),  act = tanh or relu.
import { ValueError } from '../../errors.js';
import type { Tensor } from '../../tensor.js';
import { add } from '../../ops/binary/add.js';
import { relu } from '../../ops/unary/relu.js';
import { tanh } from '../../ops/unary/tanh.js';
import { RecurrentCell, RecurrentLayer, affine, type CellStep, type RecurrentCellOptions, type RecurrentLayerOptions } from './recurrent.js';

export type RNNNonlinearity = 'tanh' | 'relu';

function elmanStep(owner: string, nonlinearity: RNNNonlinearity | undefined): CellStep {
  const act = nonlinearity ?? 'tanh';
  if (act !== 'tanh' && act !== 'relu') throw new ValueError(owner, `nonlinearity '${String(act)}' must be 'tanh' or 'relu'`);
  const f = act === 'tanh' ? tanh : relu;
  return (xProj, [h], wHh, bHh) => [f(add(xProj, affine(h!, wHh, bHh)))];
}

export interface RNNCellOptions extends RecurrentCellOptions {
  nonlinearity?: RNNNonlinearity;
}

/** One Elman step. Parameters weight_ih (H, I), weight_hh (H, H), bias_ih, bias_hh (H). */
export class RNNCell extends RecurrentCell {
  readonly nonlinearity: RNNNonlinearity;
  private readonly step: CellStep;
  constructor(inputSize: number, hiddenSize: number, opts: RNNCellOptions = {}) {
    super('RNNCell', inputSize, hiddenSize, 1, opts);
    this.step = elmanStep('RNNCell', opts.nonlinearity);
    this.nonlinearity = opts.nonlinearity ?? 'tanh';
  }

  /** x (N, I) or (I), h (N, H) or (H) (default zeros) -> h' of h's shape. */
  forward(x: Tensor, h?: Tensor | null): Tensor {
    return this.runCell('RNNCell', this.step, x, [h])[0]!;
  }
}

export interface RNNOptions extends RecurrentLayerOptions {
  nonlinearity?: RNNNonlinearity;
}

/**
 * Multi-layer Elman RNN. Parameters weight_ih_l{k}{_reverse} ((H, I) for k = 0, else (H, D * H)),
 * weight_hh_l{k}{_reverse} (H, H), bias_ih_l{k}{_reverse}, bias_hh_l{k}{_reverse} (H).
 */
export class RNN extends RecurrentLayer {
  readonly nonlinearity: RNNNonlinearity;
  private readonly step: CellStep;
  constructor(inputSize: number, hiddenSize: number, opts: RNNOptions = {}) {
    const step = elmanStep('RNN', opts.nonlinearity);
    super('RNN', inputSize, hiddenSize, 1, opts);
    this.step = step;
    this.nonlinearity = opts.nonlinearity ?? 'tanh';
  }

  /**
   * x (T, N, I) ((N, T, I) with batchFirst, or unbatched (T, I)), h0 (numLayers * D, N, H) (default
   * zeros) -> output (T, N, D * H) in x's layout, h (numLayers * D, N, H): the last step of each
   * layer and direction (for the reverse direction, its state after reading x[0]).
   */
  forward(x: Tensor, h0?: Tensor | null): { output: Tensor; h: Tensor } {
    const { output, states } = this.runLayers('RNN', this.step, x, [h0]);
    return { output, h: states[0]! };
  }
}
