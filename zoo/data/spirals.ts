// Two spirals: the classic synthetic task that a linear model cannot solve (Lang & Witbrock, 1988).
// Point j of class k ∈ {0, 1}, with t = 0.05 + 0.95·u (u uniform) and n1, n2 standard normals:
//   θ = 2π·turns·t + k·π,   r = t
//   (x, y) = (r cos θ + σ n1, r sin θ + σ n2)
// Points are drawn from the seed (pointsPerClass per class), then split 80/20 like any tabular set.
// Paper: K. Lang and M. Witbrock, "Learning to tell two spirals apart", Connectionist Models Summer School (1988).
import { ValueError } from '../../engine/index.js';
import { STREAM, normals, uniforms } from './random.js';
import { classificationSet, type ClassificationSet, type LabeledRows, type TabularOptions } from './tabular.js';

export interface SpiralOptions extends TabularOptions {
  /** Points per class (default 200). */
  pointsPerClass?: number;
  /** Full turns of each arm (default 1.25). */
  turns?: number;
  /** σ of the Gaussian noise added to each coordinate (default 0.04). */
  noise?: number;
}

/** The raw points (2·pointsPerClass, 2), class 0 first. */
export function spiralRows(seed: number, pointsPerClass = 200, turns = 1.25, noise = 0.04): LabeledRows {
  if (!Number.isSafeInteger(pointsPerClass) || pointsPerClass < 3) throw new ValueError('spirals', `pointsPerClass ${pointsPerClass} must be an integer >= 3`);
  if (!(turns > 0) || !(noise >= 0)) throw new ValueError('spirals', `turns ${turns} must be > 0 and noise ${noise} >= 0`);
  const N = 2 * pointsPerClass;
  const u = uniforms(seed, STREAM.synth, 0, N), n = normals(seed, STREAM.synth, 1, 2 * N);
  const features = new Float64Array(2 * N), labels = new Int32Array(N);
  for (let j = 0; j < N; j++) {
    const k = j < pointsPerClass ? 0 : 1;
    const t = 0.05 + 0.95 * u[j]!;
    const theta = 2 * Math.PI * turns * t + k * Math.PI;
    features[2 * j] = t * Math.cos(theta) + noise * n[2 * j]!;
    features[2 * j + 1] = t * Math.sin(theta) + noise * n[2 * j + 1]!;
    labels[j] = k;
  }
  return { features, labels, numFeatures: 2, classNames: ['arm 0', 'arm 1'] };
}

export function spirals(opts: SpiralOptions): ClassificationSet {
  const ppc = opts.pointsPerClass ?? 200, turns = opts.turns ?? 1.25, noise = opts.noise ?? 0.04;
  const rows = spiralRows(opts.seed, ppc, turns, noise);
  return classificationSet(rows, opts, 0.2, `two spirals: ${2 * ppc} points, ${turns} turns, noise σ ${noise} (80/20 split)`);
}
