/// <reference types="@webgpu/types" />
// The `webgpu` backend: tensors live in pooled GPU buffers; ops record WGSL dispatches and return
// storages at once (nothing waits); `await t.data()` flushes and reads back through a staging
// buffer. float64 is not supported (WGSL has no f64): uploads and draws of it are rejected.
import type { Backend, KernelArg, MemoryStats, RandomParams, Storage, TensorMeta } from '../../engine/backend.js';
import { allocArray, type TypedArray } from '../../engine/dtype.js';
import { BackendError, fmtShape } from '../../engine/errors.js';
import { sizeOf } from '../../engine/shape.js';
import type { GpuContext } from './device.js';
import type { GpuArg, KernelContext, WebGPUKernel } from './kernel.js';
import { KERNELS } from './kernels.js';
import { runRandom } from './random.js';
import { Runtime, type RuntimeOptions } from './runtime.js';
import { GpuStorage } from './storage.js';
import { wgslVariants } from './wgsl.js';
import { MemoryCounter } from '../../engine/memory.js';

// NOTE: attrs are typed per op in KERNELS; dispatch by name erases that, hence `any` here.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const TABLE: Readonly<Record<string, WebGPUKernel<any> | undefined>> = KERNELS;

export interface WebGPUBackendOptions extends RuntimeOptions {
  /** Default variant per op (e.g. { matmul: 'tiled' }); ZOO_WEBGPU_VARIANTS="matmul=tiled,..." too. */
  variants?: Record<string, string>;
}

function envVariants(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kv of (process.env['ZOO_WEBGPU_VARIANTS'] ?? '').split(',')) {
    const [k, v] = kv.split('=');
    if (k && v) out[k.trim()] = v.trim();
  }
  return out;
}

export class WebGPUBackend implements Backend {
  readonly name = 'webgpu';
  readonly syncRead = false;
  readonly rt: Runtime;
  private readonly counter = new MemoryCounter();
  private readonly variants: Record<string, string>;
  private readonly ctx: KernelContext;

  constructor(readonly gpu: GpuContext, opts: WebGPUBackendOptions = {}) {
    this.rt = new Runtime(gpu, opts);
    this.variants = { ...this.defaultVariants(), ...envVariants(), ...(opts.variants ?? {}) };
    const self = this;
    this.ctx = {
      rt: this.rt,
      alloc: (meta) => self.adopt(self.rt.alloc(4 * sizeOf(meta.shape), 'webgpu')),
      scratch: (n) => self.rt.alloc(4 * n, 'webgpu'),
      release: (s) => self.rt.free(s),
      dispatch: (p) => self.rt.dispatch(p),
      variant: (op) => self.variants[op] ?? 'default',
      hasFeature: (f) => gpu.features.has(f),
    };
  }

  /** Register blocking without workgroup memory on SwiftShader (kernels.md §3.1), tiled elsewhere. */
  private defaultVariants(): Record<string, string> {
    const soft = this.gpu.info.isFallbackAdapter || this.gpu.info.architecture === 'swiftshader';
    return soft ? {} : { matmul: 'tiled' };
  }

  /** Chooses the WGSL variant an op runs with (kernels/wgsl/<op>.<variant>.wgsl; 'default' is <op>.wgsl). */
  setVariant(op: string, variant: string): void {
    const known = wgslVariants(op);
    if (!known.includes(variant)) throw new BackendError(op, `no WGSL variant '${variant}' (found: ${known.join(', ') || 'none'})`);
    this.variants[op] = variant;
  }

  variant(op: string): string {
    return this.variants[op] ?? 'default';
  }

  private adopt(s: GpuStorage): GpuStorage {
    this.counter.add(s.bytes);
    return s;
  }

  private storage(s: Storage, op: string): GpuStorage {
    if (!(s instanceof GpuStorage)) throw new BackendError(op, 'storage belongs to another backend');
    return s;
  }

  private requireDType(op: string, meta: TensorMeta): void {
    if (meta.dtype === 'float64') {
      throw new BackendError(op, `webgpu has no float64 (WGSL has no f64): tensor ${fmtShape(meta.shape)} float64; cast it to float32 first`);
    }
  }

  upload(data: TypedArray, meta: TensorMeta): Storage {
    this.requireDType('upload', meta);
    this.rt.check('upload');
    const s = this.adopt(this.rt.alloc(4 * sizeOf(meta.shape), 'upload'));
    // bool is stored as one u32 per element.
    this.rt.write(s, meta.dtype === 'bool' ? Uint32Array.from(data) : data);
    return s;
  }

  async read(storage: Storage, meta: TensorMeta): Promise<TypedArray> {
    const s = this.storage(storage, 'data');
    const n = sizeOf(meta.shape);
    const raw = await this.rt.read(s, 4 * n, 'data');
    if (meta.dtype === 'bool') return Uint8Array.from(new Uint32Array(raw));
    const out = allocArray(meta.dtype, n);
    out.set(meta.dtype === 'int32' ? new Int32Array(raw) : new Float32Array(raw));
    return out;
  }

  readSync(): TypedArray {
    throw new BackendError('dataSync', 'webgpu reads are asynchronous: use `await t.data()` instead of dataSync()/item()/toArray()');
  }

  release(storage: Storage): void {
    const s = this.storage(storage, 'release');
    if (s.released) return;
    this.counter.remove(s.bytes);
    this.rt.free(s);
  }

  memory(): MemoryStats {
    return this.counter.snapshot();
  }

  hasKernel(op: string): boolean {
    return Object.hasOwn(KERNELS, op);
  }

  run(op: string, inputs: readonly KernelArg[], attrs: unknown, outs: readonly TensorMeta[]): Storage[] | null {
    const kernel = TABLE[op];
    if (!kernel) return null;
    for (const m of [...inputs, ...outs]) this.requireDType(op, m);
    this.rt.check(op);
    const args: GpuArg[] = inputs.map((t) => ({ storage: this.storage(t.storage, op), shape: t.shape, dtype: t.dtype }));
    return kernel(this.ctx, args, attrs, outs);
  }

  random(meta: TensorMeta, p: RandomParams): Storage {
    this.requireDType(p.kind, meta);
    this.rt.check(p.kind);
    const out = this.ctx.alloc(meta);
    runRandom(this.ctx, out, meta, p);
    return out;
  }

  /** One line for reports: the adapter and how it was chosen. */
  describe(): string {
    const i = this.gpu.info;
    return `${i.description || i.device} (${i.vendor}/${i.architecture}${i.isFallbackAdapter ? ', fallback adapter' : ''}; ${i.selection})`;
  }

  /** Waits for all submitted GPU work (and lets released buffers return to the pool). */
  async sync(): Promise<void> {
    await this.rt.sync();
  }

  destroy(): void {
    this.rt.destroy();
  }
}
