// Key/value cache for incremental decoding: one attention layer's keys (already rotated by RoPE
// at their absolute positions) and values, (B, nKvHeads, T, headDim), extended as tokens arrive.
// Spec: /work/shared/specs/mhc-hc-attention.md §4.5 (cache size accounting: 2 · nKvHeads · headDim
// elements per token per layer: 2 n_h d_h for MHA, 2 n_g d_h for GQA, 2 d_h for MQA).
//
// Two storage modes:
//  - growing (no maxLength): the cached keys are concatenated with the new ones on every append;
//  - preallocated (maxLength): buffers (B, nKvHeads, maxLength, headDim) allocated on the first
//    append; new tokens are written with slice_scatter and the first `length` positions are read.
// NOTE: tensors are immutable, so both modes produce new buffers per append; the cache keeps its
// buffers out of tidy() scopes and disposes a replaced buffer unless an autodiff graph holds it.
import { zeros } from '../../creation.js';
import { isFloat, itemSize, type DType } from '../../dtype.js';
import { DTypeError, ShapeError, StateError, ValueError, fmtShape } from '../../errors.js';
import { keep } from '../../scope.js';
import type { Tensor } from '../../tensor.js';
import { concat } from '../../ops/movement/concat.js';
import { slice } from '../../ops/movement/slice.js';
import { sliceScatter } from '../../ops/movement/slice_scatter.js';

export interface KVCacheOptions {
  /** Batch size B. */
  batch: number;
  nKvHeads: number;
  /** Key head dim D. */
  headDim: number;
  /** Value head dim (default headDim). */
  valueDim?: number;
  /** Preallocate room for this many tokens; appending beyond it is an error. Default: grow. */
  maxLength?: number;
  /** dtype of the cached keys and values (default float32); appends must match. */
  dtype?: DType;
}

const OWNER = 'KVCache';

export class KVCache {
  readonly batch: number;
  readonly nKvHeads: number;
  readonly headDim: number;
  readonly valueDim: number;
  readonly maxLength: number | null;
  readonly dtype: DType;
  private keys_: Tensor | null = null;
  private values_: Tensor | null = null;
  private length_ = 0;

  constructor(opts: KVCacheOptions) {
    for (const name of ['batch', 'nKvHeads', 'headDim'] as const) {
      const v = opts[name];
      if (!Number.isInteger(v) || v < 1) throw new ValueError(OWNER, `${name} ${v} must be a positive integer`);
    }
    this.batch = opts.batch;
    this.nKvHeads = opts.nKvHeads;
    this.headDim = opts.headDim;
    this.valueDim = opts.valueDim ?? opts.headDim;
    if (!Number.isInteger(this.valueDim) || this.valueDim < 1) throw new ValueError(OWNER, `valueDim ${this.valueDim} must be a positive integer`);
    const max = opts.maxLength;
    if (max !== undefined && !(Number.isInteger(max) && max >= 1)) throw new ValueError(OWNER, `maxLength ${max} must be a positive integer`);
    this.maxLength = max ?? null;
    this.dtype = opts.dtype ?? 'float32';
    if (!isFloat(this.dtype)) throw new DTypeError(OWNER, `dtype ${this.dtype} must be a float dtype`);
  }

  /** Tokens cached so far; also the absolute position of the next token (RoPE offset). */
  get length(): number {
    return this.length_;
  }

  /** Cache elements per token for this layer: nKvHeads · (headDim + valueDim) = 2 · nKvHeads · headDim. */
  elementsPerToken(): number {
    return this.nKvHeads * (this.headDim + this.valueDim);
  }

  /** Bytes per token per sequence of the batch: elementsPerToken() times the dtype's size. */
  bytesPerToken(): number {
    return this.elementsPerToken() * itemSize(this.dtype);
  }

  /** Elements held in the buffers now (preallocated: B · maxLength · elementsPerToken()). */
  allocatedElements(): number {
    return (this.keys_?.size ?? 0) + (this.values_?.size ?? 0);
  }

  /** The cached keys and values (B, nKvHeads, length, D / Dv); null while empty. */
  get keys(): Tensor | null {
    return this.keys_ === null ? null : this.view(this.keys_);
  }
  get values(): Tensor | null {
    return this.values_ === null ? null : this.view(this.values_);
  }

  private view(buf: Tensor): Tensor {
    return this.maxLength === null ? buf : slice(buf, { starts: [0], ends: [this.length_], axes: [2] });
  }

  /** Appends k (B, nKvHeads, T, D) and v (B, nKvHeads, T, Dv); returns every cached key and value (length + T tokens). */
  append(k: Tensor, v: Tensor): { keys: Tensor; values: Tensor } {
    this.checkAppend(k, v);
    const T = k.shape[2]!, start = this.length_;
    const next = (old: Tensor | null, x: Tensor): Tensor => {
      let buf: Tensor;
      if (this.maxLength !== null) {
        const base = old ?? zeros([this.batch, this.nKvHeads, this.maxLength, x.shape[3]!], { dtype: x.dtype, backend: x.backend });
        buf = sliceScatter(base, x, { starts: [start], ends: [start + T], axes: [2] });
        if (old === null) base.dispose();
      } else {
        // The first append copies (a one-piece concat) so the cache never owns the caller's tensor.
        buf = concat(old === null ? [x] : [old, x], { axis: 2 });
      }
      keep(buf);
      if (old !== null && old !== buf && !old.requiresGrad) old.dispose();
      return buf;
    };
    this.keys_ = next(this.keys_, k);
    this.values_ = next(this.values_, v);
    this.length_ = start + T;
    return { keys: this.keys!, values: this.values! };
  }

  private checkAppend(k: Tensor, v: Tensor): void {
    const want = (d: number) => `(${this.batch},${this.nKvHeads},T,${d})`;
    const fits = (t: Tensor, d: number) => t.rank === 4 && t.shape[0] === this.batch && t.shape[1] === this.nKvHeads && t.shape[3] === d;
    if (!fits(k, this.headDim)) throw new ShapeError(OWNER, `k ${fmtShape(k.shape)} does not fit the cache: expected ${want(this.headDim)}`);
    if (!fits(v, this.valueDim)) throw new ShapeError(OWNER, `v ${fmtShape(v.shape)} does not fit the cache: expected ${want(this.valueDim)}`);
    if (v.shape[2] !== k.shape[2]) throw new ShapeError(OWNER, `k ${fmtShape(k.shape)} and v ${fmtShape(v.shape)} hold different numbers of tokens`);
    for (const [name, t] of [['k', k], ['v', v]] as const) {
      if (t.dtype !== this.dtype) throw new DTypeError(OWNER, `${name} ${fmtShape(t.shape)} has dtype ${t.dtype} but the cache holds ${this.dtype}`);
    }
    if (this.keys_ && k.backend !== this.keys_.backend) throw new StateError(OWNER, `k lives on ${k.backend.name} but the cache on ${this.keys_.backend.name}`);
    const T = k.shape[2]!;
    if (this.maxLength !== null && this.length_ + T > this.maxLength) {
      throw new StateError(OWNER, `appending ${T} tokens to the ${this.length_} cached would exceed maxLength ${this.maxLength}`);
    }
  }

  /** Empties the cache (buffers are released). */
  reset(): void {
    for (const t of [this.keys_, this.values_]) if (t && !t.requiresGrad) t.dispose();
    this.keys_ = this.values_ = null;
    this.length_ = 0;
  }
}
