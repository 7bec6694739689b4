// Gated recurrent unit (torch.nn.GRUCell, torch.nn.GRU). Paper: Cho et al. 2014, arXiv:1406.1078.
// Gates in torch's order r, z, n (rows of Wᵢₕ, Wₕₕ in blocks of H):
//   r = σ(x Wᵢᵣᵀ + bᵢᵣ + h Wₕᵣᵀ + bₕᵣ),   z = σ(x Wᵢzᵀ + bᵢz + h Wₕzᵀ + bₕz)
//   n = tanh(x Wᵢₙᵀ + bᵢₙ + r * (h Wₕₙᵀ + bₕₙ)),   h' = (1 - z) * n + z * h = n + z * (h - n)
// NOTE: r multiplies the hidden projection including its bias bₕₙ (torch / cuDNN), not h itself.
import type { Tensor } from '../../tensor.js';
import { add } from '../../ops/binary/add.js';
import { mul } from '../../ops/binary/mul.js';
import { sub } from '../../ops/binary/sub.js';
import { split } from '../../ops/movement/split.js';
import { sigmoid } from '../../ops/unary/sigmoid.js';
import { tanh } from '../../ops/unary/tanh.js';
import { RecurrentCell, RecurrentLayer, affine, type CellStep, type RecurrentCellOptions, type RecurrentLayerOptions } from './recurrent.js';

const gruStep: CellStep = (xProj, [h], wHh, bHh) => {
  const H = h!.shape[1]!;
  const [xr, xz, xn] = split(xProj, { sizes: H, axis: 1 }); // each (N, H)
  const [hr, hz, hn] = split(affine(h!, wHh, bHh), { sizes: H, axis: 1 });
  const r = sigmoid(add(xr!, hr!));
  const z = sigmoid(add(xz!, hz!));
  const n = tanh(add(xn!, mul(r, hn!)));
  return [add(n, mul(z, sub(h!, n)))];
};

/** One GRU step. Parameters weight_ih (3H, I), weight_hh (3H, H), bias_ih, bias_hh (3H). */
export class GRUCell extends RecurrentCell {
  constructor(inputSize: number, hiddenSize: number, opts: RecurrentCellOptions = {}) {
    super('GRUCell', inputSize, hiddenSize, 3, opts);
  }

  /** x (N, I) or (I), h (N, H) or (H) (default zeros) -> h' of h's shape. */
  forward(x: Tensor, h?: Tensor | null): Tensor {
    return this.runCell('GRUCell', gruStep, x, [h])[0]!;
  }
}

/**
 * Multi-layer GRU. Parameters weight_ih_l{k}{_reverse} ((3H, I) for k = 0, else (3H, D * H)),
 * weight_hh_l{k}{_reverse} (3H, H), bias_ih_l{k}{_reverse}, bias_hh_l{k}{_reverse} (3H).
 */
export class GRU extends RecurrentLayer {
  constructor(inputSize: number, hiddenSize: number, opts: RecurrentLayerOptions = {}) {
    super('GRU', inputSize, hiddenSize, 3, opts);
  }

  /**
   * x (T, N, I) ((N, T, I) with batchFirst, or unbatched (T, I)), h0 (numLayers * D, N, H) (default
   * zeros) -> output (T, N, D * H) in x's layout, final h (numLayers * D, N, H).
   */
  forward(x: Tensor, h0?: Tensor | null): { output: Tensor; h: Tensor } {
    const { output, states } = this.runLayers('GRU', gruStep, x, [h0]);
    return { output, h: states[0]! };
  }
}
