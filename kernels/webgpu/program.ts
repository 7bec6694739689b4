// A WebGPU program descriptor (tfjs WebGPUProgram, reduced): the WGSL, which storages it reads
// and writes, a uniform params block and the workgroup count. Kernels build these; the runtime
// turns them into cached pipelines, bind groups and dispatches.
import type { GpuStorage } from './storage.js';

export interface Program {
  /** Kernel name for errors and timings: the op, or op.variant (e.g. `matmul.tiled`). */
  readonly name: string;
  /** WGSL source; bindings are numbered inputs, then outputs, then the params uniform (if any). */
  readonly code: string;
  readonly inputs: readonly GpuStorage[];
  readonly outputs: readonly GpuStorage[];
  readonly params?: Params;
  /** A workgroup count (1-D, folded into 2-D past the per-dimension limit) or an explicit grid. */
  readonly workgroups: number | readonly [number, number, number];
}

/**
 * Shared WGSL helpers prepended to every shader.
 * flat_id: index of an invocation of a 1-D launch that the runtime may have folded into a 2-D grid
 * (dispatches over 65,535 workgroups, tfjs reshapeDispatch); callers compare it with the element count.
 */
export const PRELUDE = /* wgsl */ `
fn flat_id(wid: vec3<u32>, nwg: vec3<u32>, lid: u32, wg_size: u32) -> u32 {
  return (wid.x + wid.y * nwg.x) * wg_size + lid;
}
`;

/** A 1-D workgroup count as a grid within `maxPerDim` per dimension. */
export function foldWorkgroups(count: number, maxPerDim: number): [number, number, number] {
  if (count <= maxPerDim) return [count, 1, 1];
  const y = Math.ceil(count / maxPerDim);
  const x = Math.ceil(count / y);
  if (y > maxPerDim) throw new RangeError(`${count} workgroups exceed ${maxPerDim}² (the 2-D dispatch limit)`);
  return [x, y, 1];
}

export const MAX_DIMS = 8;

/**
 * Builder of a uniform block with WGSL's layout rules: scalars (u32/i32/f32) 4-byte aligned,
 * `array<vec4<i32>, 2>` dims (8 entries) 16-byte aligned, size rounded to 16 bytes. Fields must be
 * added in the order of the WGSL struct.
 */
export class Params {
  private readonly buf = new ArrayBuffer(512);
  private readonly view = new DataView(this.buf);
  private at = 0;
  /** Cache-key material: the field kinds (not values). */
  private layout = '';

  u32(v: number): this {
    this.view.setUint32(this.at, v >>> 0, true);
    return this.step('u');
  }
  i32(v: number): this {
    this.view.setInt32(this.at, v | 0, true);
    return this.step('i');
  }
  f32(v: number): this {
    this.view.setFloat32(this.at, v, true);
    return this.step('f');
  }
  /** `array<vec4<i32>, 2>`: up to 8 entries, the rest zero. */
  dims(values: readonly number[]): this {
    if (values.length > MAX_DIMS) throw new RangeError(`at most ${MAX_DIMS} dimensions are supported, got ${values.length}`);
    this.at = Math.ceil(this.at / 16) * 16;
    for (let i = 0; i < MAX_DIMS; i++) this.view.setInt32(this.at + 4 * i, values[i] ?? 0, true);
    this.at += 4 * MAX_DIMS;
    this.layout += 'D';
    return this;
  }
  private step(kind: string): this {
    this.at += 4;
    this.layout += kind;
    return this;
  }
  bytes(): ArrayBuffer {
    return this.buf.slice(0, Math.max(16, Math.ceil(this.at / 16) * 16));
  }
}

export const params = (): Params => new Params();

/** WGSL storage element type of a dtype (bool is stored as one u32 per element). */
export function wgslType(dtype: string): 'f32' | 'i32' | 'u32' {
  if (dtype === 'float32') return 'f32';
  if (dtype === 'int32') return 'i32';
  if (dtype === 'bool') return 'u32';
  throw new RangeError(`dtype ${dtype} has no WGSL storage type`);
}
