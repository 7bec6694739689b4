// Embedding: a lookup table, indices (...) int32 -> (..., embeddingDim) (torch.nn.Embedding).
// Init as torch: N(0, 1), with the paddingIdx row zeroed; that row also gets no gradient.
import { fromArray, randn } from '../../creation.js';
import { allocArray } from '../../dtype.js';
import { ShapeError, ValueError, fmtShape } from '../../errors.js';
import { noGrad } from '../../gradmode.js';
import { where } from '../../ops/binary/where.js';
import { embedding } from '../../ops/nn/embedding.js';
import { tidy } from '../../scope.js';
import type { Tensor } from '../../tensor.js';
import { Module } from '../module.js';
import { checkCount, createOptions, layerGen, type LayerOptions } from './layer-options.js';

export interface EmbeddingOptions extends LayerOptions {
  /** Row that stays zero and gets no gradient (a pad token); negative counts from the end, as torch. */
  paddingIdx?: number;
}

export class Embedding extends Module {
  /** (numEmbeddings, embeddingDim). */
  readonly weight: Tensor;
  /** Normalized to [0, numEmbeddings), or null. */
  readonly paddingIdx: number | null;

  constructor(readonly numEmbeddings: number, readonly embeddingDim: number, opts: EmbeddingOptions & { weight?: Tensor } = {}) {
    super();
    checkCount('Embedding', 'numEmbeddings', numEmbeddings);
    checkCount('Embedding', 'embeddingDim', embeddingDim);
    this.paddingIdx = resolvePaddingIdx(numEmbeddings, opts.paddingIdx);
    if (opts.weight && (opts.weight.rank !== 2 || opts.weight.shape[0] !== numEmbeddings || opts.weight.shape[1] !== embeddingDim)) {
      throw new ShapeError('Embedding', `weight ${fmtShape(opts.weight.shape)} must be (${numEmbeddings},${embeddingDim})`);
    }
    this.weight = this.param('weight', opts.weight ?? initEmbedding(numEmbeddings, embeddingDim, this.paddingIdx, opts));
  }

  /**
   * A table from existing vectors (torch's Embedding.from_pretrained): the weight is a leaf
   * sharing `weight`'s values; frozen (no gradient) unless freeze is false.
   */
  static fromPretrained(weight: Tensor, opts: { freeze?: boolean; paddingIdx?: number } = {}): Embedding {
    if (weight.rank !== 2) throw new ShapeError('Embedding', `fromPretrained: weight ${fmtShape(weight.shape)} must be 2-D (numEmbeddings, embeddingDim)`);
    const e = new Embedding(weight.shape[0]!, weight.shape[1]!, { paddingIdx: opts.paddingIdx, weight: weight.detach() });
    e.weight.requireGrad(!(opts.freeze ?? true));
    return e;
  }

  /** indices (...) int32 in [0, numEmbeddings) -> (..., embeddingDim). */
  forward(indices: Tensor): Tensor {
    return embedding(indices, this.weight, this.paddingIdx === null ? {} : { paddingIdx: this.paddingIdx });
  }
}

function resolvePaddingIdx(n: number, idx: number | undefined): number | null {
  if (idx === undefined) return null;
  if (!Number.isSafeInteger(idx) || idx < -n || idx >= n) throw new ValueError('Embedding', `paddingIdx ${idx} must be an integer in [${-n}, ${n})`);
  return idx < 0 ? idx + n : idx;
}

function initEmbedding(n: number, dim: number, paddingIdx: number | null, opts: LayerOptions): Tensor {
  const w = randn([n, dim], { ...createOptions(opts), gen: layerGen(opts) });
  if (paddingIdx === null) return w;
  const keepRow = allocArray('bool', n).fill(1);
  keepRow[paddingIdx] = 0;
  const keep = fromArray(keepRow, [n, 1], 'bool', { backend: w.backend });
  const out = tidy(() => noGrad(() => where(keep, w, 0))); // the padding row is +0; a leaf, since nothing is recorded
  w.dispose();
  keep.dispose();
  return out;
}
