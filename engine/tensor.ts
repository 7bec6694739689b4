// Tensor: an immutable n-d array on one backend, plus its place in the autodiff graph.
import type { Backend, Storage, TensorMeta } from './backend.js';
import { allocArray, type DType, type TypedArray } from './dtype.js';
import { StateError, fmtShape } from './errors.js';
import { sizeOf, type Shape } from './shape.js';
import { trackTensor } from './scope.js';

/** The op application that produced a tensor (micrograd's `_prev` and `_op`). */
export interface GraphNode {
  /** Creation order; a node only depends on nodes with smaller ids. */
  readonly id: number;
  readonly op: import('./op.js').AnyOp;
  readonly inputs: readonly Tensor[];
  readonly attrs: unknown;
  readonly outputs: readonly Tensor[];
}

let nextTensorId = 0;

// Tensors may share one buffer (detach, views); the buffer is released with its last tensor.
const refCounts = new WeakMap<Storage, number>();

export class Tensor implements TensorMeta {
  readonly id = nextTensorId++;
  readonly shape: Shape;
  readonly dtype: DType;
  readonly backend: Backend;
  /** Whether gradients flow to this tensor. Set on leaves by the user; on outputs by the engine. */
  requiresGrad: boolean;
  /** Accumulated gradient of a leaf after `backward()`. */
  grad: Tensor | null = null;
  /** The op that produced this tensor, when it was recorded for autodiff. */
  node: GraphNode | null = null;
  private storage_: Storage | null;

  constructor(storage: Storage, meta: TensorMeta, backend: Backend, requiresGrad = false) {
    this.storage_ = storage;
    this.shape = Object.freeze([...meta.shape]);
    this.dtype = meta.dtype;
    this.backend = backend;
    this.requiresGrad = requiresGrad;
    refCounts.set(storage, (refCounts.get(storage) ?? 0) + 1);
    trackTensor(this);
  }

  get size(): number {
    return sizeOf(this.shape);
  }
  get rank(): number {
    return this.shape.length;
  }
  get disposed(): boolean {
    return this.storage_ === null;
  }
  /** True for tensors not produced by a recorded op. */
  get isLeaf(): boolean {
    return this.node === null;
  }

  /** The backend buffer; `op` names the caller in the error raised after dispose(). */
  storage(op = 'tensor'): Storage {
    if (this.storage_ === null) throw new StateError(op, `tensor #${this.id} of shape ${fmtShape(this.shape)} was disposed`);
    return this.storage_;
  }

  /** Reads the values (row-major). The edge where async backends synchronize. */
  async data(): Promise<TypedArray> {
    return this.backend.read(this.storage('data'), this);
  }

  /** Synchronous read; only backends with `syncRead` (ref, native) support it. */
  dataSync(): TypedArray {
    if (this.size === 0) return allocArray(this.dtype, 0);
    return this.backend.readSync(this.storage('dataSync'), this);
  }

  /** The single value of a one-element tensor (synchronous backends). */
  item(): number {
    if (this.size !== 1) throw new StateError('item', `tensor of shape ${fmtShape(this.shape)} has ${this.size} elements, not 1`);
    return this.dataSync()[0]!;
  }

  /** Nested arrays of the values (synchronous backends). */
  toArray(): NestedArray {
    const flat = Array.from(this.dataSync());
    const build = (dim: number, start: number): NestedArray => {
      if (dim === this.rank) return flat[start]!;
      const n = this.shape[dim]!, stride = sizeOf(this.shape.slice(dim + 1));
      return Array.from({ length: n }, (_, i) => build(dim + 1, start + i * stride));
    };
    return build(0, 0);
  }

  /** Releases the backend buffer now. Using the tensor afterwards raises a StateError. */
  dispose(): void {
    const s = this.storage_;
    if (s === null) return;
    this.storage_ = null;
    const n = (refCounts.get(s) ?? 1) - 1;
    if (n > 0) refCounts.set(s, n);
    else {
      refCounts.delete(s);
      this.backend.release(s);
    }
  }

  [Symbol.dispose](): void {
    this.dispose();
  }

  /**
   * Replaces this leaf's values with `src`'s (same shape, dtype and backend), in place: how
   * optimizers update parameters and loadStateDict fills modules. The old buffer is released.
   */
  assign(src: Tensor): this {
    if (!this.isLeaf) throw new StateError('assign', `tensor #${this.id} is not a leaf (it was produced by ${this.node!.op.name})`);
    if (src.backend !== this.backend) throw new StateError('assign', `source lives on ${src.backend.name}, target on ${this.backend.name}`);
    if (src.dtype !== this.dtype || src.shape.length !== this.shape.length || src.shape.some((d, i) => d !== this.shape[i])) {
      throw new StateError('assign', `source ${fmtShape(src.shape)} ${src.dtype} does not match target ${fmtShape(this.shape)} ${this.dtype}`);
    }
    const s = src.storage('assign');
    refCounts.set(s, (refCounts.get(s) ?? 0) + 1);
    const old = this.storage('assign');
    this.storage_ = s;
    const n = (refCounts.get(old) ?? 1) - 1;
    if (n > 0) refCounts.set(old, n);
    else {
      refCounts.delete(old);
      this.backend.release(old);
    }
    return this;
  }

  /** A new leaf sharing this tensor's buffer, cut from the autodiff graph. */
  detach(): Tensor {
    return new Tensor(this.storage('detach'), this, this.backend, false);
  }

  /** Marks a leaf as requiring gradients (PyTorch's requires_grad_()). Returns this. */
  requireGrad(flag = true): this {
    if (!this.isLeaf) throw new StateError('requireGrad', `tensor #${this.id} is not a leaf (it was produced by ${this.node!.op.name}); detach() it first`);
    this.requiresGrad = flag;
    return this;
  }

  toString(): string {
    return `Tensor(shape=${fmtShape(this.shape)}, dtype=${this.dtype}, backend=${this.backend.name}${this.requiresGrad ? ', requiresGrad' : ''})`;
  }
}

export type NestedArray = number | NestedArray[];
