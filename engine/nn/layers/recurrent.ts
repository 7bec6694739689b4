// Shared machinery of the recurrent layers (torch.nn.RNNBase / RNNCellBase): parameter
// registration under torch's names, input layout handling, and the loop over layers, directions
// and time steps. The cell arithmetic lives in rnn.ts, lstm.ts and gru.ts as `CellStep`s.
//
// Layout: x (T, N, I) time-major, or (N, T, I) with batchFirst, or unbatched (T, I). States
// (numLayers * D, N, H) whatever batchFirst says (torch), (numLayers * D, H) when unbatched;
// entry l * D + d belongs to layer l, direction d (0 forward, 1 reverse).
import { zeros } from '../../creation.js';
import { ShapeError, ValueError, fmtShape } from '../../errors.js';
import type { Generator } from '../../rng.js';
import type { Tensor } from '../../tensor.js';
import { add } from '../../ops/binary/add.js';
import { matmulRaw } from '../../ops/linalg/matmul.js';
import { concat } from '../../ops/movement/concat.js';
import { reshape } from '../../ops/movement/reshape.js';
import { split } from '../../ops/movement/split.js';
import { stack } from '../../ops/movement/stack.js';
import { transpose } from '../../ops/movement/transpose.js';
import { dropoutWith } from '../../ops/nn/dropout.js';
import { Module } from '../module.js';
import { checkCount, initUniform, layerGen, type LayerOptions } from './layer-options.js';

/**
 * Options shared by RNNCell, LSTMCell and GRUCell. Every weight and bias is drawn
 * U(-1/sqrt(hiddenSize), 1/sqrt(hiddenSize)) from `gen` (torch's reset_parameters), in registration order.
 */
export interface RecurrentCellOptions extends LayerOptions {
  /** Whether the cell has bias_ih and bias_hh (default true). */
  bias?: boolean;
}

/** Options shared by RNN, LSTM and GRU. */
export interface RecurrentLayerOptions extends RecurrentCellOptions {
  /** Stacked layers (default 1); layer l > 0 reads layer l - 1's output. */
  numLayers?: number;
  /** x and output are (N, T, ...) instead of (T, N, ...); states keep (layers * D, N, H). */
  batchFirst?: boolean;
  /** Dropout probability on every layer's output except the last's, in training mode (default 0). */
  dropout?: number;
  /** A second, reversed pass per layer; outputs are concatenated on the feature axis (default false). */
  bidirectional?: boolean;
}

/**
 * One time step: `xProj` = x Wᵢₕᵀ + bᵢₕ (N, G) already computed for the whole sequence, `state` the
 * previous states ([h] or [h, c], each (N, H)); returns the new states. The output is state[0].
 */
export type CellStep = (xProj: Tensor, state: readonly Tensor[], wHh: Tensor, bHh: Tensor | null) => Tensor[];

/** x Wᵀ + b for x (..., in) and W (out, in). */
export function affine(x: Tensor, w: Tensor, b: Tensor | null): Tensor {
  const y = matmulRaw(x.rank === 1 ? reshape(x, [1, x.shape[0]!]) : x, w, { transB: true });
  return b ? add(y, b) : y;
}

/** Registers weight_ih{sfx} (G, I), weight_hh{sfx} (G, H), bias_ih{sfx}, bias_hh{sfx} (G) in torch's order. */
abstract class RecurrentParams extends Module {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly bias: boolean;
  protected readonly gen: Generator;
  private readonly init: LayerOptions;

  constructor(owner: string, inputSize: number, hiddenSize: number, opts: RecurrentCellOptions) {
    super();
    checkCount(owner, 'inputSize', inputSize, 1);
    checkCount(owner, 'hiddenSize', hiddenSize, 1);
    this.inputSize = inputSize;
    this.hiddenSize = hiddenSize;
    this.bias = opts.bias ?? true;
    this.gen = layerGen(opts);
    this.init = { ...opts, gen: this.gen };
  }

  /** Draws and registers one (weight_ih, weight_hh, bias_ih, bias_hh) set; biases are null without bias. */
  protected addWeights(sfx: string, inSize: number, gates: number): [Tensor, Tensor, Tensor | null, Tensor | null] {
    const H = this.hiddenSize, k = 1 / Math.sqrt(H);
    const draw = (shape: number[]) => initUniform(shape, k, this.init);
    const wIh = this.param(`weight_ih${sfx}`, draw([gates * H, inSize]));
    const wHh = this.param(`weight_hh${sfx}`, draw([gates * H, H]));
    if (!this.bias) return [wIh, wHh, null, null];
    return [wIh, wHh, this.param(`bias_ih${sfx}`, draw([gates * H])), this.param(`bias_hh${sfx}`, draw([gates * H]))];
  }
}

/** A single recurrent cell: one step for x (N, I) or unbatched (I). */
export abstract class RecurrentCell extends RecurrentParams {
  protected readonly w: [Tensor, Tensor, Tensor | null, Tensor | null];
  constructor(owner: string, inputSize: number, hiddenSize: number, gates: number, opts: RecurrentCellOptions) {
    super(owner, inputSize, hiddenSize, opts);
    this.w = this.addWeights('', inputSize, gates);
  }

  /** Applies `step` to x and the given (or zero) states; returns the new states in x's layout. */
  protected runCell(owner: string, step: CellStep, x: Tensor, states: readonly (Tensor | null | undefined)[]): Tensor[] {
    const I = this.inputSize, H = this.hiddenSize;
    if ((x.rank !== 1 && x.rank !== 2) || x.shape[x.rank - 1] !== I) {
      throw new ShapeError(owner, `x ${fmtShape(x.shape)}: expected (N, ${I}) or unbatched (${I}) with inputSize ${I}`);
    }
    const batched = x.rank === 2;
    const N = batched ? x.shape[0]! : 1;
    const want = batched ? [N, H] : [H];
    const st = states.map((s, i) => {
      if (!s) return zeros([N, H], { dtype: x.dtype, backend: x.backend });
      if (s.rank !== want.length || s.shape.some((d, k) => d !== want[k])) {
        throw new ShapeError(owner, `state ${i} ${fmtShape(s.shape)} does not fit x ${fmtShape(x.shape)}: expected ${fmtShape(want)}`);
      }
      return batched ? s : reshape(s, [1, H]);
    });
    const [wIh, wHh, bIh, bHh] = this.w;
    const out = step(affine(x, wIh, bIh), st, wHh, bHh);
    return batched ? out : out.map((s) => reshape(s, [H]));
  }
}

/** The final states of a layer stack: states[j] is (numLayers * D, N, H) (unbatched: (numLayers * D, H)). */
export interface RecurrentResult {
  output: Tensor;
  states: Tensor[];
}

/** A multi-layer, optionally bidirectional recurrent layer driven by a CellStep. */
export abstract class RecurrentLayer extends RecurrentParams {
  readonly numLayers: number;
  readonly batchFirst: boolean;
  readonly dropout: number;
  readonly bidirectional: boolean;
  /** weights[l * D + d] = [weight_ih, weight_hh, bias_ih, bias_hh] of layer l, direction d. */
  private readonly weights: [Tensor, Tensor, Tensor | null, Tensor | null][] = [];

  constructor(owner: string, inputSize: number, hiddenSize: number, gates: number, opts: RecurrentLayerOptions) {
    super(owner, inputSize, hiddenSize, opts);
    this.numLayers = opts.numLayers ?? 1;
    checkCount(owner, 'numLayers', this.numLayers, 1);
    this.dropout = opts.dropout ?? 0;
    if (!(this.dropout >= 0 && this.dropout <= 1)) throw new ValueError(owner, `dropout ${this.dropout} must lie in [0, 1]`);
    this.batchFirst = opts.batchFirst ?? false;
    this.bidirectional = opts.bidirectional ?? false;
    const D = this.bidirectional ? 2 : 1;
    for (let l = 0; l < this.numLayers; l++) {
      for (let d = 0; d < D; d++) {
        this.weights.push(this.addWeights(`_l${l}${d ? '_reverse' : ''}`, l === 0 ? inputSize : D * hiddenSize, gates));
      }
    }
  }

  /** Checks x and the initial states; returns x as (T, N, I) and the states as (numLayers * D, N, H). */
  private prepare(owner: string, x: Tensor, states: readonly (Tensor | null | undefined)[]): { xs: Tensor; st: Tensor[]; batched: boolean } {
    const I = this.inputSize, H = this.hiddenSize, LD = this.numLayers * (this.bidirectional ? 2 : 1);
    const layout = this.batchFirst ? '(N, T, I)' : '(T, N, I)';
    if ((x.rank !== 2 && x.rank !== 3) || x.shape[x.rank - 1] !== I) {
      throw new ShapeError(owner, `x ${fmtShape(x.shape)}: expected ${layout} or unbatched (T, I) with I = inputSize ${I}`);
    }
    const batched = x.rank === 3;
    let xs = batched ? x : reshape(x, [x.shape[0]!, 1, I]);
    if (batched && this.batchFirst) xs = transpose(xs, 0, 1);
    if (xs.shape[0] === 0) throw new ShapeError(owner, `x ${fmtShape(x.shape)}: the sequence is empty`);
    const N = xs.shape[1]!;
    const want = batched ? [LD, N, H] : [LD, H];
    const st = states.map((s, i) => {
      if (!s) return zeros([LD, N, H], { dtype: x.dtype, backend: x.backend });
      if (s.rank !== want.length || s.shape.some((d, k) => d !== want[k])) {
        const name = i === 0 ? 'h0' : 'c0';
        throw new ShapeError(owner, `${name} ${fmtShape(s.shape)} does not fit x ${fmtShape(x.shape)}: expected ${fmtShape(want)} (numLayers * directions, ${batched ? 'N, ' : ''}hiddenSize)`);
      }
      return batched ? s : reshape(s, [LD, 1, H]);
    });
    return { xs, st, batched };
  }

  /** One direction of one layer over the whole sequence xs (T, N, In); returns (T, N, H) and the final states. */
  private sweep(step: CellStep, xs: Tensor, init: Tensor[], w: [Tensor, Tensor, Tensor | null, Tensor | null], reverse: boolean): [Tensor, Tensor[]] {
    const [wIh, wHh, bIh, bHh] = w;
    const T = xs.shape[0]!, N = xs.shape[1]!;
    // Input projections of every time step in one product (T, N, G), then one slice per step.
    const proj = affine(xs, wIh, bIh);
    const G = proj.shape[2]!;
    const perStep = split(proj, { sizes: 1, axis: 0 }).map((p) => reshape(p, [N, G]));
    const outs: Tensor[] = new Array<Tensor>(T);
    let state = init;
    for (let k = 0; k < T; k++) {
      const t = reverse ? T - 1 - k : k;
      state = step(perStep[t]!, state, wHh, bHh);
      outs[t] = state[0]!;
    }
    return [stack(outs, { axis: 0 }), state];
  }

  /** Runs every layer and direction; `states` are the initial states ([h0] or [h0, c0]). */
  protected runLayers(owner: string, step: CellStep, x: Tensor, states: readonly (Tensor | null | undefined)[]): RecurrentResult {
    const { xs, st, batched } = this.prepare(owner, x, states);
    const D = this.bidirectional ? 2 : 1, H = this.hiddenSize, N = xs.shape[1]!;
    // Initial states of entry j: st[s] sliced at j, (N, H).
    const initial = st.map((s) => split(s, { sizes: 1, axis: 0 }).map((p) => reshape(p, [N, H])));
    const finals: Tensor[][] = st.map(() => []);
    let inp = xs;
    for (let l = 0; l < this.numLayers; l++) {
      const dirOuts: Tensor[] = [];
      for (let d = 0; d < D; d++) {
        const j = l * D + d;
        const [out, fin] = this.sweep(step, inp, initial.map((s) => s[j]!), this.weights[j]!, d === 1);
        dirOuts.push(out);
        fin.forEach((f, s) => finals[s]!.push(f));
      }
      inp = D === 1 ? dirOuts[0]! : concat(dirOuts, { axis: 2 });
      // NOTE: torch applies dropout to every layer's output but the last's (training only).
      if (l < this.numLayers - 1 && this.dropout > 0 && this.training) inp = dropoutWith(inp, this.dropout, this.gen);
    }
    let output = inp; // (T, N, D * H)
    if (!batched) output = reshape(output, [output.shape[0]!, D * H]);
    else if (this.batchFirst) output = transpose(output, 0, 1);
    const outStates = finals.map((f) => {
      const s = stack(f, { axis: 0 }); // (numLayers * D, N, H)
      return batched ? s : reshape(s, [s.shape[0]!, H]);
    });
    return { output, states: outStates };
  }
}
