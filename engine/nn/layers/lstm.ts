// Long short-term memory (torch.nn.LSTMCell, torch.nn.LSTM). Paper: Hochreiter & Schmidhuber 1997.
// Gates in torch's order i, f, g, o (rows of Wᵢₕ, Wₕₕ in blocks of H):
//   [i f g o] = x Wᵢₕᵀ + bᵢₕ + h Wₕₕᵀ + bₕₕ
//   c' = σ(f) * c + σ(i) * tanh(g),   h' = σ(o) * tanh(c')
import type { Tensor } from '../../tensor.js';
import { add } from '../../ops/binary/add.js';
import { mul } from '../../ops/binary/mul.js';
import { split } from '../../ops/movement/split.js';
import { sigmoid } from '../../ops/unary/sigmoid.js';
import { tanh } from '../../ops/unary/tanh.js';
import { RecurrentCell, RecurrentLayer, affine, type CellStep, type RecurrentCellOptions, type RecurrentLayerOptions } from './recurrent.js';

const lstmStep: CellStep = (xProj, [h, c], wHh, bHh) => {
  const gates = add(xProj, affine(h!, wHh, bHh)); // (N, 4H)
  const [i, f, g, o] = split(gates, { sizes: h!.shape[1]!, axis: 1 });
  const c2 = add(mul(sigmoid(f!), c!), mul(sigmoid(i!), tanh(g!)));
  return [mul(sigmoid(o!), tanh(c2)), c2];
};

/** One LSTM step. Parameters weight_ih (4H, I), weight_hh (4H, H), bias_ih, bias_hh (4H). */
export class LSTMCell extends RecurrentCell {
  constructor(inputSize: number, hiddenSize: number, opts: RecurrentCellOptions = {}) {
    super('LSTMCell', inputSize, hiddenSize, 4, opts);
  }

  /** x (N, I) or (I); h, c (N, H) or (H) (default zeros) -> the next { h, c }. */
  forward(x: Tensor, h?: Tensor | null, c?: Tensor | null): { h: Tensor; c: Tensor } {
    const [h2, c2] = this.runCell('LSTMCell', lstmStep, x, [h, c]);
    return { h: h2!, c: c2! };
  }
}

/**
 * Multi-layer LSTM. Parameters weight_ih_l{k}{_reverse} ((4H, I) for k = 0, else (4H, D * H)),
 * weight_hh_l{k}{_reverse} (4H, H), bias_ih_l{k}{_reverse}, bias_hh_l{k}{_reverse} (4H).
 * NOTE: torch's proj_size (LSTMP) is not supported.
 */
export class LSTM extends RecurrentLayer {
  constructor(inputSize: number, hiddenSize: number, opts: RecurrentLayerOptions = {}) {
    super('LSTM', inputSize, hiddenSize, 4, opts);
  }

  /**
   * x (T, N, I) ((N, T, I) with batchFirst, or unbatched (T, I)); h0, c0 (numLayers * D, N, H)
   * (default zeros) -> output (T, N, D * H) in x's layout, final h and c (numLayers * D, N, H).
   */
  forward(x: Tensor, h0?: Tensor | null, c0?: Tensor | null): { output: Tensor; h: Tensor; c: Tensor } {
    const { output, states } = this.runLayers('LSTM', lstmStep, x, [h0, c0]);
    return { output, h: states[0]!, c: states[1]! };
  }
}
