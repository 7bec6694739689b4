// What the CPU backends (ref, native) share: buffers are JS typed arrays in host memory, reads
// are synchronous copies, and a MemoryCounter tracks live buffers. Subclasses supply kernels.
import type { Backend, KernelArg, MemoryStats, RandomParams, Storage, TensorMeta } from '../engine/backend.js';
import { allocArray, type TypedArray } from '../engine/dtype.js';
import { BackendError } from '../engine/errors.js';
import { MemoryCounter } from '../engine/memory.js';
import { sizeOf } from '../engine/shape.js';

export class HostStorage implements Storage {
  constructor(readonly data: TypedArray, readonly owner: Backend) {}
  get bytes(): number {
    return this.data.byteLength;
  }
}

export abstract class HostBackend implements Backend {
  abstract readonly name: string;
  readonly syncRead = true;
  private readonly counter = new MemoryCounter();

  /** Wraps a freshly allocated array as this backend's buffer and counts it. */
  protected adopt(data: TypedArray): HostStorage {
    const s = new HostStorage(data, this);
    this.counter.add(s.bytes);
    return s;
  }

  /** The array behind one of this backend's buffers. */
  protected data(s: Storage): TypedArray {
    if (!(s instanceof HostStorage) || s.owner !== this) throw new BackendError(this.name, 'storage belongs to another backend');
    return s.data;
  }

  upload(data: TypedArray, meta: TensorMeta): Storage {
    const copy = allocArray(meta.dtype, sizeOf(meta.shape));
    copy.set(data);
    return this.adopt(copy);
  }

  readSync(s: Storage): TypedArray {
    return this.data(s).slice();
  }

  async read(s: Storage): Promise<TypedArray> {
    return this.readSync(s);
  }

  release(s: Storage): void {
    this.counter.remove(s.bytes);
  }

  memory(): MemoryStats {
    return this.counter.snapshot();
  }

  abstract hasKernel(op: string): boolean;
  abstract run(op: string, inputs: readonly KernelArg[], attrs: unknown, outs: readonly TensorMeta[]): Storage[] | null;
  abstract random(meta: TensorMeta, params: RandomParams): Storage;
}
