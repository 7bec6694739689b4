// The `ref` backend: float64 math in plain TypeScript, the oracle every other backend is
// compared with. Buffers are JS typed arrays; a live-buffer counter mirrors what device backends
// must report so leak tests are written once for all backends.
import type { Backend, KernelArg, MemoryStats, RandomParams, Storage, TensorMeta } from '../../engine/backend.js';
import { allocArray, type TypedArray } from '../../engine/dtype.js';
import { BackendError } from '../../engine/errors.js';
import { sizeOf } from '../../engine/shape.js';
import { REF_KERNELS } from './index.js';
import { fillRandom } from './random.js';
import type { RefKernel } from './types.js';
import { MemoryCounter } from '../../engine/memory.js';

export class RefStorage implements Storage {
  constructor(readonly data: TypedArray) {}
  get bytes(): number {
    return this.data.byteLength;
  }
}

// NOTE: attrs are typed per op in REF_KERNELS; dispatch by name erases that, hence `any` here.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const KERNELS: Readonly<Record<string, RefKernel<any>>> = REF_KERNELS;

export class RefBackend implements Backend {
  readonly name = 'ref';
  readonly syncRead = true;
  private readonly counter = new MemoryCounter();

  private adopt(data: TypedArray): RefStorage {
    const s = new RefStorage(data);
    this.counter.add(s.bytes);
    return s;
  }

  private data(s: Storage): TypedArray {
    if (!(s instanceof RefStorage)) throw new BackendError('ref', 'storage belongs to another backend');
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

  hasKernel(op: string): boolean {
    return Object.hasOwn(KERNELS, op);
  }

  run(op: string, inputs: readonly KernelArg[], attrs: unknown, outs: readonly TensorMeta[]): Storage[] {
    const kernel = KERNELS[op];
    if (!kernel) throw new BackendError(op, 'ref has no kernel (the ref table must be total)');
    const args = inputs.map((t) => ({ data: this.data(t.storage), shape: t.shape, dtype: t.dtype }));
    const results = kernel(args, attrs, outs);
    return results.map((r, i) => {
      const want = sizeOf(outs[i]!.shape);
      if (r.length !== want) throw new BackendError(op, `ref kernel wrote ${r.length} elements for output ${i}; expected ${want}`);
      return this.adopt(r);
    });
  }

  random(meta: TensorMeta, p: RandomParams): Storage {
    const out = allocArray(meta.dtype, sizeOf(meta.shape));
    fillRandom(out, p);
    return this.adopt(out);
  }
}

