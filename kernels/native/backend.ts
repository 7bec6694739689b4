// The `native` backend: storage is JS typed arrays handed zero-copy to the C++ addon, kernels are
// the descriptors of NATIVE_KERNELS, random draws use the addon's Philox (bit-identical words).
// NOTE: native computes in float32 (plus int32/bool where an op needs them). A float64 tensor is
// refused with a DTypeError naming the op: computing it in float32 would silently lose precision,
// and handing it to ref would silently change device. Cast to float32 or use the ref backend.
import type { KernelArg, RandomParams, Storage, TensorMeta } from '../../engine/backend.js';
import { allocArray, type TypedArray } from '../../engine/dtype.js';
import { DTypeError, fmtShape } from '../../engine/errors.js';
import type { RandomKind } from '../../engine/rng.js';
import { sizeOf } from '../../engine/shape.js';
import { codes, setAddon, type NativeInfo, type ZooNative } from './addon.js';
import { NATIVE_KERNELS } from './index.js';
import { loadAddon } from './load.js';
import type { NativeKernel } from './types.js';
import { checkLength } from './util.js';
import { HostBackend } from '../host-backend.js';

// NOTE: attrs are typed per op in NATIVE_KERNELS; dispatch by name erases that, hence `any`.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const KERNELS: Readonly<Partial<Record<string, NativeKernel<any>>>> = NATIVE_KERNELS;
const KIND: Record<RandomKind, number> = { uniform: 0, normal: 1, bernoulli: 2, randint: 3 };

function refuseFloat64(op: string, what: string, m: TensorMeta): void {
  if (m.dtype === 'float64') {
    throw new DTypeError(op, `${what} ${fmtShape(m.shape)} is float64; the native backend computes in float32 (cast to float32, or use the ref backend)`);
  }
}

export class NativeBackend extends HostBackend {
  readonly name = 'native';
  readonly info: NativeInfo;

  constructor(private readonly mod: ZooNative = loadAddon()) {
    super();
    setAddon(mod);
    this.info = codes();
  }

  /** One line for `zoo doctor` and results files: the CPU path and the pool size. */
  describe(): string {
    const info = this.mod.info();
    return `${info.isa} kernels${info.cpuAvx2 || info.isa === 'avx2+fma' ? '' : ' (this CPU lacks AVX2/FMA)'}, ${info.threads} thread${info.threads === 1 ? '' : 's'}`;
  }

  /** Threads of the addon's pool (ZOO_THREADS at load; this overrides). */
  setThreads(n: number): number {
    return this.mod.setThreads(n);
  }

  override upload(data: TypedArray, meta: TensorMeta): Storage {
    refuseFloat64('native', 'tensor', meta);
    return super.upload(data, meta);
  }

  hasKernel(op: string): boolean {
    return Object.hasOwn(KERNELS, op);
  }

  run(op: string, inputs: readonly KernelArg[], attrs: unknown, outs: readonly TensorMeta[]): Storage[] | null {
    const kernel = KERNELS[op];
    inputs.forEach((t, i) => refuseFloat64(op, `input ${i}`, t));
    outs.forEach((t, i) => refuseFloat64(op, `output ${i}`, t));
    if (!kernel) return null;
    const args = inputs.map((t) => {
      const data = this.data(t.storage);
      checkLength(op, data, t);
      return { data, shape: t.shape, dtype: t.dtype };
    });
    const results = kernel(args, attrs, outs);
    return results.map((r, i) => {
      checkLength(op, r, outs[i]!);
      return this.adopt(r);
    });
  }

  random(meta: TensorMeta, p: RandomParams): Storage {
    refuseFloat64('random', 'tensor', meta);
    const out = allocArray(meta.dtype, sizeOf(meta.shape));
    this.mod.random(KIND[p.kind], out as Float32Array, p.seed, p.offset, p.a, p.b);
    return this.adopt(out);
  }
}
