// The `ref` backend: float64 math in plain TypeScript, the oracle every other backend is
// compared with. Buffers are JS typed arrays; a live-buffer counter mirrors what device backends
// must report so leak tests are written once for all backends.
import type { KernelArg, RandomParams, Storage, TensorMeta } from '../../engine/backend.js';
import { allocArray } from '../../engine/dtype.js';
import { BackendError } from '../../engine/errors.js';
import { sizeOf } from '../../engine/shape.js';
import { REF_KERNELS } from './index.js';
import { fillRandom } from './random.js';
import type { RefKernel } from './types.js';
import { HostBackend, HostStorage } from '../host-backend.js';

/** ref's buffers (host typed arrays); the name is kept for tests that reach into them. */
export { HostStorage as RefStorage };

// NOTE: attrs are typed per op in REF_KERNELS; dispatch by name erases that, hence `any` here.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const KERNELS: Readonly<Record<string, RefKernel<any>>> = REF_KERNELS;

export class RefBackend extends HostBackend {
  readonly name = 'ref';

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

