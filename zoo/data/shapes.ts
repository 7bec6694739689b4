// Procedural shapes: 1×S×S grayscale images (S = 28 by default) of four classes, each drawn as an
// anti-aliased outline at a random position, size and angle, plus Gaussian pixel noise.
// Every image is a pure function of (seed, split, batch index): training batch `step` draws fresh
// images, so there is no finite training set to memorize; validation images come from their own stream.
//
// Generator, per image (8 uniforms u0..u7, then S² standard normals n), lengths in pixels for
// S = 28 and scaled by S/28 otherwise:
//   class    k = floor(4·u0): 0 circle, 1 square, 2 triangle, 3 line
//   size     circle radius 3.5-10 | square half-side 3-8 | triangle circumradius 4.5-11 | line half-length 5-12   (from u3)
//   angle    φ = 2π·u4 (square rotation, triangle orientation, line direction)
//   stroke   w = 1.2 + 1.3·u5
//   triangle vertex k at angle φ + 2πk/3 + 0.5·(u6 or u7 or 0 − 0.5): irregular, never degenerate
//   center   extent e (radius, half-diagonal, circumradius, half-length); c = e + w + u·(S − 2(e + w)) per axis (u1, u2)
//   pixel    p = (x + ½, y + ½), d = distance from p to the outline (a signed-distance function);
//            value = clamp(w/2 + ½ − d, 0, 1) + σ·n   (σ = noise, default 0.15)
import { ValueError, fromArray, tensor, type Backend, type FloatDType } from '../../engine/index.js';
import type { Batch, DataSource } from '../model.js';
import { STREAM, uniformsThenNormals } from './random.js';

export const SHAPE_CLASSES = ['circle', 'square', 'triangle', 'line'] as const;
const PARAMS = 8;

export interface ShapesOptions {
  seed: number;
  batchSize: number;
  /** Image side S (default 28). */
  imageSize?: number;
  /** σ of the pixel noise (default 0.15). */
  noise?: number;
  /** Number of validation batches (default 4). */
  valBatches?: number;
  dtype?: FloatDType;
  backend?: Backend | string;
}

type Vec = [number, number];

/** Distance from p to the segment ab. */
function segmentDistance([px, py]: Vec, [ax, ay]: Vec, [bx, by]: Vec): number {
  const dx = bx - ax, dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - ax - t * dx, py - ay - t * dy);
}

/** |sdf| of a square of half-side s centered at the origin, rotated by φ. */
function squareDistance([px, py]: Vec, s: number, phi: number): number {
  const c = Math.cos(phi), sn = Math.sin(phi);
  const qx = Math.abs(c * px + sn * py) - s, qy = Math.abs(-sn * px + c * py) - s;
  return Math.abs(Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0));
}

/** The outline distance function of class k with parameters u (relative to the center) and its extent. */
function outline(k: number, u: ArrayLike<number>, scale: number): { extent: number; dist: (p: Vec) => number } {
  const phi = 2 * Math.PI * u[4]!, size = u[3]!;
  switch (k) {
    case 0: {
      const r = (3.5 + 6.5 * size) * scale;
      return { extent: r, dist: ([x, y]) => Math.abs(Math.hypot(x, y) - r) };
    }
    case 1: {
      const s = (3 + 5 * size) * scale;
      return { extent: s * Math.SQRT2, dist: (p) => squareDistance(p, s, phi) };
    }
    case 2: {
      const R = (4.5 + 6.5 * size) * scale, jitter = [u[6]!, u[7]!, 0.5];
      const v = jitter.map((j, i): Vec => {
        const a = phi + (2 * Math.PI * i) / 3 + 0.5 * (j - 0.5);
        return [R * Math.cos(a), R * Math.sin(a)];
      });
      return { extent: R, dist: (p) => Math.min(segmentDistance(p, v[0]!, v[1]!), segmentDistance(p, v[1]!, v[2]!), segmentDistance(p, v[2]!, v[0]!)) };
    }
    default: {
      const L = (5 + 7 * size) * scale, a: Vec = [L * Math.cos(phi), L * Math.sin(phi)];
      return { extent: L, dist: (p) => segmentDistance(p, a, [-a[0], -a[1]]) };
    }
  }
}

/** Draws one image into out[at .. at + S²) from its 8 uniforms and S² normals; returns its class. */
export function renderShape(u: ArrayLike<number>, n: ArrayLike<number>, S: number, noise: number, out: Float64Array, at: number): number {
  const k = Math.min(3, Math.floor(4 * u[0]!));
  const scale = S / 28, w = (1.2 + 1.3 * u[5]!) * scale;
  const { extent, dist } = outline(k, u, scale);
  const margin = extent + w, room = Math.max(0, S - 2 * margin);
  const cx = margin + u[1]! * room, cy = margin + u[2]! * room;
  for (let y = 0; y < S; y++) {
    for (let x = 0; x < S; x++) {
      const ink = Math.max(0, Math.min(1, w / 2 + 0.5 - dist([x + 0.5 - cx, y + 0.5 - cy])));
      out[at + y * S + x] = ink + noise * n[y * S + x]!;
    }
  }
  return k;
}

/** B images of (seed, purpose, index): x (B, 1, S, S), y (B). */
function drawBatch(o: Required<Omit<ShapesOptions, 'backend' | 'dtype'>> & ShapesOptions, purpose: number, index: number): Batch {
  const { batchSize: B, imageSize: S } = o;
  const [u, n] = uniformsThenNormals(o.seed, purpose, index, B * PARAMS, B * S * S);
  const x = new Float64Array(B * S * S), y = new Int32Array(B);
  for (let b = 0; b < B; b++) {
    y[b] = renderShape(u.subarray(b * PARAMS, (b + 1) * PARAMS), n.subarray(b * S * S, (b + 1) * S * S), S, o.noise, x, b * S * S);
  }
  return {
    x: tensor(x, { dtype: o.dtype ?? 'float32', backend: o.backend, shape: [B, 1, S, S] }), // (B, 1, S, S)
    y: fromArray(y, [B], 'int32', { backend: o.backend }), // (B)
  };
}

export interface ShapesSet extends DataSource {
  readonly imageSize: number;
  readonly numClasses: number;
  readonly classNames: readonly string[];
}

export function shapes(opts: ShapesOptions): ShapesSet {
  const o = { imageSize: 28, noise: 0.15, valBatches: 4, ...opts };
  const count = (name: string, v: number, min: number) => {
    if (!Number.isSafeInteger(v) || v < min) throw new ValueError('shapes', `${name} ${v} must be an integer >= ${min}`);
  };
  count('batchSize', o.batchSize, 1);
  count('imageSize', o.imageSize, 8);
  count('valBatches', o.valBatches, 1);
  if (!(o.noise >= 0)) throw new ValueError('shapes', `noise ${o.noise} must be >= 0`);
  return {
    description: `shapes: procedural 1×${o.imageSize}×${o.imageSize} outlines of ${SHAPE_CLASSES.join('/')} with noise σ ${o.noise}`,
    imageSize: o.imageSize,
    numClasses: SHAPE_CLASSES.length,
    classNames: SHAPE_CLASSES,
    trainBatch: (step) => drawBatch(o, STREAM.train, step),
    valBatches: () => Array.from({ length: o.valBatches }, (_, i) => drawBatch(o, STREAM.val, i)),
  };
}
