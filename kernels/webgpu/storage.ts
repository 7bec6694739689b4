/// <reference types="@webgpu/types" />
// A tensor's device buffer. Every dtype takes 4 bytes per element on the GPU (WGSL has no 8- or
// 16-bit storage without extensions): float32 as f32, int32 as i32, bool as u32 0/1.
import type { Storage } from '../../engine/backend.js';

export class GpuStorage implements Storage {
  /** Serial of the last command buffer that uses this buffer (runtime.ts). */
  lastUse = 0;
  released = false;
  /** The kernel that last wrote this buffer (named when its guard words were overwritten). */
  producer = 'upload';
  constructor(
    readonly buffer: GPUBuffer,
    /** Size of the pooled buffer (a bucket size, ≥ bytes). */
    readonly capacity: number,
    /** Bytes of the tensor's elements (4 per element). */
    readonly bytes: number,
    /** The guard words written right after the elements (runtime.ts). */
    readonly guard: Uint32Array,
  ) {}
  get elements(): number {
    return this.bytes / 4;
  }
}
