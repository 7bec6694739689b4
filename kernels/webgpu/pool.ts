/// <reference types="@webgpu/types" />
// Size-bucketed buffer pool (tfjs BufferManager / ORT BucketCacheManager). A released buffer is
// reused only after the submit that last used it has completed on the GPU, so a queued write
// (queue.writeBuffer runs before the next submitted command buffer) can never race a pending read.
import { BUFFER_USAGE } from './usage.js';

/** Bucket sizes: 4 steps per power of two (≤ 25 % waste), at least 16 bytes. */
export function bucketSize(bytes: number): number {
  if (bytes <= 16) return 16;
  const p = 2 ** Math.floor(Math.log2(bytes - 1));
  const step = Math.max(p / 4, 16);
  return Math.ceil(bytes / step) * step;
}

interface Pending {
  serial: number;
  buffer: GPUBuffer;
  size: number;
}

export class BufferPool {
  private readonly free = new Map<number, GPUBuffer[]>();
  private pending: Pending[] = [];
  /** GPU buffers that exist (pooled or in use). */
  allocated = 0;
  allocatedBytes = 0;

  constructor(private readonly device: GPUDevice, private readonly usage: number, private readonly label: string) {}

  /** A buffer of at least `bytes` bytes that no queued or running GPU work uses. */
  acquire(bytes: number): { buffer: GPUBuffer; size: number } {
    const size = bucketSize(bytes);
    const list = this.free.get(size);
    const buffer = list?.pop();
    if (buffer) return { buffer, size };
    this.allocated++;
    this.allocatedBytes += size;
    return { buffer: this.device.createBuffer({ size, usage: this.usage, label: this.label }), size };
  }

  /** Returns a buffer last used by the submit with `serial`; it becomes reusable once that completes. */
  release(buffer: GPUBuffer, size: number, serial: number, completed: number): void {
    if (serial <= completed) this.pushFree(buffer, size);
    else this.pending.push({ serial, buffer, size });
  }

  /** Moves buffers whose last submit has completed to the free lists. */
  reclaim(completed: number): void {
    if (!this.pending.length) return;
    const still: Pending[] = [];
    for (const p of this.pending) {
      if (p.serial <= completed) this.pushFree(p.buffer, p.size);
      else still.push(p);
    }
    this.pending = still;
  }

  private pushFree(buffer: GPUBuffer, size: number): void {
    let list = this.free.get(size);
    if (!list) this.free.set(size, (list = []));
    list.push(buffer);
  }

  /** Destroys every idle buffer (e.g. after a big allocation spike). */
  trim(): void {
    for (const list of this.free.values()) {
      for (const b of list) {
        this.allocatedBytes -= b.size;
        this.allocated--;
        b.destroy();
      }
    }
    this.free.clear();
  }

  get pooled(): number {
    let n = this.pending.length;
    for (const l of this.free.values()) n += l.length;
    return n;
  }
}

export { BUFFER_USAGE };
