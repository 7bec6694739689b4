/// <reference types="@webgpu/types" />
// The device-side runtime: buffer pools, the pipeline cache, command recording (many dispatches
// per encoder, one submit per flush), staging readback, GPU timestamps and error surfacing.
//
// Serials: `serial` numbers the command buffer being recorded; it is submitted by flush(), which
// then increments it. `completed` is the highest serial whose work is known to be done
// (onSubmittedWorkDone). Buffers go back to their pool tagged with the serial of their last use.
import { BackendError } from '../../engine/errors.js';
import type { GpuContext } from './device.js';
import { BufferPool } from './pool.js';
import { PRELUDE, foldWorkgroups, type Program } from './program.js';
import { GpuStorage } from './storage.js';
import { BUFFER_USAGE, MAP_MODE_READ, SHADER_STAGE_COMPUTE } from './usage.js';

/** Dispatches recorded before an automatic submit (tfjs uses 15 on real GPUs). */
const FLUSH_EVERY = 32;

/**
 * Guard words after every tensor's elements, inside its binding: written with a pattern at
 * allocation and checked on readback, so a kernel that writes past the end of its output (an
 * off-by-one in a bounds check) fails loudly instead of scribbling on pool slack.
 */
const GUARD_WORDS = 4;
const GUARD_BYTES = 4 * GUARD_WORDS;
/** A different pattern per allocation, so a kernel that copies its input's guard still trips. */
const guardFor = (n: number): Uint32Array => Uint32Array.from({ length: GUARD_WORDS }, (_, i) => Math.imul(n * GUARD_WORDS + i + 1, 0x9e3779b1) >>> 0);

interface CachedPipeline {
  pipeline: GPUComputePipeline;
  layout: GPUBindGroupLayout;
  /** Set (asynchronously) when creation failed: every later use throws it again. */
  error: BackendError | null;
}

interface Timing {
  querySet: GPUQuerySet;
  capacity: number;
  passes: number;
}

export interface RuntimeOptions {
  /** Wrap every pipeline creation and dispatch in error scopes (exact kernel names, slower). */
  debug?: boolean;
}

export class Runtime {
  readonly device: GPUDevice;
  readonly limits: GPUSupportedLimits;
  readonly storagePool: BufferPool;
  private readonly uniformPool: BufferPool;
  private readonly stagingPool: BufferPool;
  private readonly pipelines = new Map<string, CachedPipeline>();
  private encoder: GPUCommandEncoder | null = null;
  private pass: GPUComputePassEncoder | null = null;
  private pendingDispatches = 0;
  private serial = 1;
  private completed = 0;
  private error: BackendError | null = null;
  private lostReason: string | null = null;
  private lastKernel = 'webgpu';
  private allocations = 0;
  private timing: Timing | null = null;
  private readonly debug: boolean;
  /** Counters for reports: pipelines compiled, dispatches, submits. */
  readonly stats = { pipelines: 0, dispatches: 0, submits: 0 };

  constructor(readonly ctx: GpuContext, opts: RuntimeOptions = {}) {
    this.device = ctx.device;
    this.limits = ctx.device.limits;
    this.debug = opts.debug ?? process.env['ZOO_WEBGPU_DEBUG'] === '1';
    const U = BUFFER_USAGE;
    this.storagePool = new BufferPool(this.device, U.STORAGE | U.COPY_SRC | U.COPY_DST, 'zoo:tensor');
    this.uniformPool = new BufferPool(this.device, U.UNIFORM | U.COPY_DST, 'zoo:params');
    this.stagingPool = new BufferPool(this.device, U.MAP_READ | U.COPY_DST, 'zoo:staging');
    this.device.onuncapturederror = (ev: GPUUncapturedErrorEvent) => this.record(kernelOf(ev.error.message) ?? this.lastKernel, ev.error);
    void this.device.lost.then((info) => {
      if (info.reason !== 'destroyed') this.lostReason = `device lost (${info.reason}): ${info.message}`;
      else this.lostReason = 'device destroyed';
    });
  }

  private record(kernel: string, err: GPUError): void {
    const kind = err.constructor?.name ?? 'GPUError';
    // Keep the root cause: later errors about objects made invalid by it say "due to a previous error".
    if (this.error && !this.error.message.includes('due to a previous error')) return;
    this.error = new BackendError(kernel, `webgpu ${kind}: ${err.message.trim()}`);
  }

  /** Throws the first device error recorded since the last check (a typed BackendError naming the kernel). */
  check(op = 'webgpu'): void {
    if (this.lostReason !== null) throw new BackendError(op, `webgpu ${this.lostReason}`);
    const e = this.error;
    if (e) {
      this.error = null;
      throw e;
    }
  }

  // ---- buffers ----

  alloc(bytes: number, kernel: string): GpuStorage {
    const max = Math.min(this.limits.maxBufferSize, this.limits.maxStorageBufferBindingSize);
    if (bytes > max) {
      throw new BackendError(kernel, `needs a ${bytes}-byte buffer; the adapter allows at most ${max} bytes per storage buffer (maxBufferSize / maxStorageBufferBindingSize)`);
    }
    this.storagePool.reclaim(this.completed);
    const { buffer, size } = this.storagePool.acquire(bytes + GUARD_BYTES);
    const s = new GpuStorage(buffer, size, bytes, guardFor(this.allocations++));
    this.device.queue.writeBuffer(buffer, bytes, s.guard);
    s.lastUse = this.serial;
    return s;
  }

  free(s: GpuStorage): void {
    if (s.released) return;
    s.released = true;
    this.storagePool.release(s.buffer, s.capacity, s.lastUse, this.completed);
  }

  write(s: GpuStorage, data: ArrayBufferView): void {
    if (data.byteLength === 0) return;
    this.device.queue.writeBuffer(s.buffer, 0, data.buffer, data.byteOffset, data.byteLength);
    s.lastUse = this.serial;
  }

  /** Copies `bytes` bytes between storages (offsets in bytes, multiples of 4). */
  copy(src: GpuStorage, srcOffset: number, dst: GpuStorage, dstOffset: number, bytes: number): void {
    if (bytes === 0) return;
    this.endPass();
    this.enc().copyBufferToBuffer(src.buffer, srcOffset, dst.buffer, dstOffset, bytes);
    src.lastUse = dst.lastUse = this.serial;
  }

  // ---- pipelines and dispatch ----

  private enc(): GPUCommandEncoder {
    return (this.encoder ??= this.device.createCommandEncoder({ label: 'zoo' }));
  }

  private beginPass(): GPUComputePassEncoder {
    if (this.pass) return this.pass;
    const t = this.timing;
    const desc: GPUComputePassDescriptor = { label: 'zoo' };
    if (t && t.passes < t.capacity) {
      desc.timestampWrites = { querySet: t.querySet, beginningOfPassWriteIndex: 2 * t.passes, endOfPassWriteIndex: 2 * t.passes + 1 };
      t.passes++;
    }
    return (this.pass = this.enc().beginComputePass(desc));
  }

  private endPass(): void {
    this.pass?.end();
    this.pass = null;
  }

  private pipeline(p: Program): CachedPipeline {
    const kinds = [...p.inputs.map(() => 'r'), ...p.outputs.map(() => 'w'), ...(p.params ? ['u'] : [])];
    const key = `${kinds.join('')}\n${p.code}`;
    let cached = this.pipelines.get(key);
    if (cached) return cached;
    const entries: GPUBindGroupLayoutEntry[] = kinds.map((k, binding) => ({
      binding,
      visibility: SHADER_STAGE_COMPUTE,
      buffer: { type: k === 'r' ? 'read-only-storage' : k === 'w' ? 'storage' : 'uniform' },
    }));
    this.device.pushErrorScope('validation');
    const label = `zoo:${p.name}`;
    const layout = this.device.createBindGroupLayout({ entries, label });
    const module = this.device.createShaderModule({ code: withPrelude(p.code), label });
    const pipeline = this.device.createComputePipeline({
      layout: this.device.createPipelineLayout({ bindGroupLayouts: [layout], label }),
      compute: { module, entryPoint: 'main' },
      label,
    });
    const name = p.name;
    const entry: CachedPipeline = { pipeline, layout, error: null };
    void this.device.popErrorScope().then((err) => {
      if (!err) return;
      this.record(name, err);
      entry.error = new BackendError(name, `webgpu pipeline creation failed: ${err.message.trim()}`);
    });
    this.stats.pipelines++;
    this.pipelines.set(key, entry);
    return entry;
  }

  /** Records one dispatch; submits every FLUSH_EVERY dispatches. */
  dispatch(p: Program): void {
    this.check(p.name);
    const grid = typeof p.workgroups === 'number' ? foldWorkgroups(p.workgroups, this.limits.maxComputeWorkgroupsPerDimension) : p.workgroups;
    if (grid[0] === 0 || grid[1] === 0 || grid[2] === 0) return;
    const max = this.limits.maxComputeWorkgroupsPerDimension;
    if (grid.some((g) => g > max)) throw new BackendError(p.name, `dispatch grid (${grid.join(',')}) exceeds ${max} workgroups per dimension`);
    const { pipeline, layout, error } = this.pipeline(p);
    if (error) throw error;
    this.lastKernel = p.name;
    const entries: GPUBindGroupEntry[] = [];
    for (const s of [...p.inputs, ...p.outputs]) {
      entries.push({ binding: entries.length, resource: { buffer: s.buffer, size: s.bytes + GUARD_BYTES } });
      s.lastUse = this.serial;
    }
    for (const s of p.outputs) s.producer = p.name;
    if (p.params) {
      const data = p.params.bytes();
      this.uniformPool.reclaim(this.completed);
      const { buffer, size } = this.uniformPool.acquire(data.byteLength);
      this.device.queue.writeBuffer(buffer, 0, data);
      entries.push({ binding: entries.length, resource: { buffer, size: data.byteLength } });
      this.uniformPool.release(buffer, size, this.serial, this.completed);
    }
    if (this.debug) {
      this.device.pushErrorScope('out-of-memory');
      this.device.pushErrorScope('validation');
    }
    const bindGroup = this.device.createBindGroup({ layout, entries, label: `zoo:${p.name}` });
    const pass = this.beginPass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(grid[0], grid[1], grid[2]);
    if (this.debug) {
      const name = p.name;
      for (let i = 0; i < 2; i++) void this.device.popErrorScope().then((err) => err && this.record(name, err));
    }
    this.stats.dispatches++;
    if (++this.pendingDispatches >= FLUSH_EVERY && !this.timing) this.flush();
  }

  /** Submits everything recorded so far. */
  flush(): void {
    this.endPass();
    if (!this.encoder) return;
    const cb = this.encoder.finish();
    this.encoder = null;
    this.pendingDispatches = 0;
    this.device.queue.submit([cb]);
    this.stats.submits++;
    const done = this.serial++;
    void this.device.queue.onSubmittedWorkDone().then(
      () => {
        this.completed = Math.max(this.completed, done);
      },
      () => {},
    );
  }

  /** Waits until all submitted work is done. */
  async sync(): Promise<void> {
    this.flush();
    await this.device.queue.onSubmittedWorkDone();
    this.completed = this.serial - 1;
    this.reclaim();
    this.check();
  }

  private reclaim(): void {
    this.storagePool.reclaim(this.completed);
    this.uniformPool.reclaim(this.completed);
  }

  /** Copies `bytes` bytes of `s` to the host (staging buffer, one submit). */
  async read(s: GpuStorage, bytes: number, op: string): Promise<ArrayBuffer> {
    this.check(op);
    const total = bytes + GUARD_BYTES;
    const { buffer: staging, size } = this.stagingPool.acquire(total);
    this.endPass();
    this.enc().copyBufferToBuffer(s.buffer, 0, staging, 0, total);
    s.lastUse = this.serial;
    this.flush();
    try {
      await staging.mapAsync(MAP_MODE_READ, 0, size);
    } catch (err) {
      this.check(op);
      throw new BackendError(op, `webgpu readback failed: ${err instanceof Error ? err.message : String(err)}`);
    }
    const mapped = staging.getMappedRange(0, size);
    const out = mapped.slice(0, bytes);
    const guard = new Uint32Array(mapped.slice(bytes, total));
    staging.unmap();
    this.stagingPool.release(staging, size, 0, 0);
    if (guard.some((w, i) => w !== s.guard[i])) {
      throw new BackendError(s.producer, `wrote past the end of its ${bytes / 4}-element output (the guard words after it were overwritten): an off-by-one in a bounds check?`);
    }
    this.completed = Math.max(this.completed, this.serial - 1);
    this.reclaim();
    this.check(op);
    return out;
  }

  // ---- timing ----

  /** Starts recording GPU timestamps around every compute pass (needs 'timestamp-query'). */
  beginTiming(capacity = 64): boolean {
    if (!this.ctx.features.has('timestamp-query')) return false;
    this.flush();
    this.timing = { querySet: this.device.createQuerySet({ type: 'timestamp', count: 2 * capacity }), capacity, passes: 0 };
    return true;
  }

  /** Records a compute pass with no dispatch (timer resolution probes). */
  emptyPass(): void {
    this.beginPass();
    this.endPass();
  }

  /** Nanoseconds from the first timed pass's start to the last one's end; null if passes overflowed. */
  async endTiming(): Promise<number | null> {
    const t = this.timing;
    if (!t) return null;
    this.endPass();
    this.timing = null;
    const n = 2 * t.passes;
    if (n === 0) {
      t.querySet.destroy();
      return 0;
    }
    const U = BUFFER_USAGE;
    const resolve = this.device.createBuffer({ size: 8 * n, usage: U.QUERY_RESOLVE | U.COPY_SRC });
    const staging = this.device.createBuffer({ size: 8 * n, usage: U.MAP_READ | U.COPY_DST });
    this.enc().resolveQuerySet(t.querySet, 0, n, resolve, 0);
    this.enc().copyBufferToBuffer(resolve, 0, staging, 0, 8 * n);
    this.flush();
    await staging.mapAsync(MAP_MODE_READ);
    const ts = new BigInt64Array(staging.getMappedRange().slice(0));
    staging.unmap();
    [resolve, staging].forEach((b) => b.destroy());
    t.querySet.destroy();
    return t.passes > t.capacity ? null : Number(ts[n - 1]! - ts[0]!);
  }

  get pooledBuffers(): number {
    return this.storagePool.pooled;
  }

  destroy(): void {
    this.encoder = null;
    this.pass = null;
    this.device.destroy();
  }
}

/** PRELUDE after the source's directives (`enable ...;`, `diagnostic(...)`), which must come first. */
function withPrelude(code: string): string {
  const lines = code.split('\n');
  const directive = (l: string) => /^\s*(enable|requires|diagnostic)\b/.test(l);
  return [...lines.filter(directive), PRELUDE, ...lines.filter((l) => !directive(l))].join('\n');
}

/** The kernel named in a Dawn message through our `zoo:<kernel>` labels. */
function kernelOf(message: string): string | null {
  const m = /"zoo:([^"]+)"/.exec(message);
  return m ? m[1]! : null;
}
