// Amax gain diagnostics of the hyper-connections' residual mappings (spec §3.1; mHC §3.1, Fig. 3, 7, 8).
// For token t and sublayer l (L = 2·nLayer sublayers: attention, MLP, attention, ...):
//   single    H_l(t) = H_res of sublayer l
//   composite P_l(t) = H_{L−1}(t) · H_{L−2}(t) ⋯ H_l(t)      (mHC Eq. 4 order, same token at every layer)
//   forward gain = max_i |Σ_j P_ij| (largest |row sum|), backward gain = max_j |Σ_i P_ij| (largest |column sum|)
// Per-token gains are averaged over the sequence (primary, Fig. 3); the gains of the token-averaged
// matrix (Fig. 8's averaging) are reported as well, since the paper is ambiguous (spec §6.3). HC's
// H_res may be negative, so the stricter ‖P‖_∞, ‖P‖_1 and the smallest column sum (attenuation,
// which the Amax metric cannot see) are also logged.
// streamDivergence: per sublayer output x (n, C) per token, max_ij ‖x_i − x_j‖ / ‖x‖ with
// ‖x‖ = sqrt(mean_i ‖x_i‖²) (the RMS stream norm), averaged over tokens: 0 iff the streams agree.
// For residual 'plain' the mapping is the 1×1 identity: every gain is exactly 1 and the divergence 0.
// Needs a backend with synchronous reads (ref, native).
import { ShapeError, ValueError, fmtShape, noGrad, tidy, type Tensor } from '../../engine/index.js';
import { residualOf, streamsOf, type ResidualKind } from './config.js';
import type { GPT } from './model.js';

export interface HcGainReport {
  residual: ResidualKind;
  streams: number;
  /** L = 2 * nLayer (attention and MLP sublayers, in order). */
  sublayers: number;
  kinds: ('attn' | 'mlp')[];
  /** Gains of H_res_l itself (mean over tokens of the per-token gain). */
  single: { fwd: number[]; bwd: number[] };
  /** Gains of P_l = H_res_{L−1} ⋯ H_res_l. */
  composite: {
    fwd: number[];
    bwd: number[];
    /** Gains of the token-averaged product. */
    fwdOfMean: number[];
    bwdOfMean: number[];
    /** max_i Σ_j |P_ij| and max_j Σ_i |P_ij| (mean over tokens). */
    infNorm: number[];
    oneNorm: number[];
    /** min_j Σ_i P_ij (mean over tokens). */
    minColSum: number[];
  };
  /** max over l of composite.fwd / composite.bwd. */
  peak: { fwd: number; bwd: number };
  /** Per sublayer output: max_ij ‖x_i − x_j‖ / ‖x‖ (mean over tokens); 0 for plain. */
  streamDivergence: number[];
}

/** Row-major n×n matrix helpers on Float64Array. */
function matmulSq(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < n; k++) {
      const aik = a[i * n + k]!;
      for (let j = 0; j < n; j++) out[i * n + j]! += aik * b[k * n + j]!;
    }
  }
  return out;
}

interface MatrixStats {
  fwd: number;
  bwd: number;
  infNorm: number;
  oneNorm: number;
  minColSum: number;
}

export function matrixStats(p: Float64Array, n: number): MatrixStats {
  let fwd = 0, infNorm = 0, bwd = 0, oneNorm = 0, minColSum = Infinity;
  for (let i = 0; i < n; i++) {
    let s = 0, a = 0;
    for (let j = 0; j < n; j++) {
      s += p[i * n + j]!;
      a += Math.abs(p[i * n + j]!);
    }
    fwd = Math.max(fwd, Math.abs(s));
    infNorm = Math.max(infNorm, a);
  }
  for (let j = 0; j < n; j++) {
    let s = 0, a = 0;
    for (let i = 0; i < n; i++) {
      s += p[i * n + j]!;
      a += Math.abs(p[i * n + j]!);
    }
    bwd = Math.max(bwd, Math.abs(s));
    oneNorm = Math.max(oneNorm, a);
    minColSum = Math.min(minColSum, s);
  }
  return { fwd, bwd, infNorm, oneNorm, minColSum };
}

/**
 * The report from per-sublayer H_res (each T·n·n values, token-major, row-major n×n) and output
 * streams (each T·n·C values); exported for tests of the metric itself.
 */
export function gainReport(residual: ResidualKind, hres: readonly Float64Array[], outputs: readonly Float64Array[], n: number, T: number): HcGainReport {
  const L = hres.length;
  if (outputs.length !== L) throw new ValueError('hcDiagnostics', `${L} H_res records but ${outputs.length} output records`);
  const nn = n * n;
  for (const [l, h] of hres.entries()) {
    if (h.length !== T * nn) throw new ShapeError('hcDiagnostics', `H_res of sublayer ${l} has ${h.length} values, expected T·n² = ${T * nn}`);
  }
  const C = T > 0 && L > 0 ? outputs[0]!.length / (T * n) : 0;
  const zeros = () => new Array<number>(L).fill(0);
  const single = { fwd: zeros(), bwd: zeros() };
  const composite = { fwd: zeros(), bwd: zeros(), fwdOfMean: zeros(), bwdOfMean: zeros(), infNorm: zeros(), oneNorm: zeros(), minColSum: zeros() };
  const identity = new Float64Array(nn).map((_, i) => (Math.floor(i / n) === i % n ? 1 : 0));
  // P_l(t) for all t, from l = L−1 down: P_l = P_{l+1} · H_l.
  let prods: Float64Array[] = Array.from({ length: T }, () => identity);
  for (let l = L - 1; l >= 0; l--) {
    const h = hres[l]!;
    const meanP = new Float64Array(nn);
    prods = prods.map((prev, t) => {
      const H = h.subarray(t * nn, (t + 1) * nn);
      const s = matrixStats(H, n);
      single.fwd[l]! += s.fwd / T;
      single.bwd[l]! += s.bwd / T;
      const P = matmulSq(prev, H, n);
      const ps = matrixStats(P, n);
      composite.fwd[l]! += ps.fwd / T;
      composite.bwd[l]! += ps.bwd / T;
      composite.infNorm[l]! += ps.infNorm / T;
      composite.oneNorm[l]! += ps.oneNorm / T;
      composite.minColSum[l]! += ps.minColSum / T;
      for (let i = 0; i < nn; i++) meanP[i]! += P[i]! / T;
      return P;
    });
    const ms = matrixStats(meanP, n);
    composite.fwdOfMean[l] = ms.fwd;
    composite.bwdOfMean[l] = ms.bwd;
  }
  const streamDivergence = outputs.map((x) => {
    let total = 0;
    for (let t = 0; t < T; t++) {
      const base = t * n * C;
      let sq = 0, worst = 0;
      for (let i = 0; i < n; i++) for (let c = 0; c < C; c++) sq += x[base + i * C + c]! ** 2;
      for (let i = 0; i < n; i++) {
        for (let j = i + 1; j < n; j++) {
          let d = 0;
          for (let c = 0; c < C; c++) d += (x[base + i * C + c]! - x[base + j * C + c]!) ** 2;
          worst = Math.max(worst, d);
        }
      }
      const norm = Math.sqrt(sq / n);
      total += norm > 0 ? Math.sqrt(worst) / norm : 0;
    }
    return T > 0 ? total / T : 0;
  });
  return {
    residual, streams: n, sublayers: L, kinds: Array.from({ length: L }, (_, l) => (l % 2 === 0 ? 'attn' : 'mlp')),
    single, composite,
    peak: { fwd: Math.max(...composite.fwd), bwd: Math.max(...composite.bwd) },
    streamDivergence,
  };
}

/**
 * Runs a no-grad eval-mode forward of `tokens` (1, T) int32 with H_res recording on and returns the
 * gain report of spec §3.1. The model's training mode is restored afterwards.
 */
export function hcDiagnostics(model: GPT, tokens: Tensor): HcGainReport {
  const c = model.config;
  if (tokens.rank !== 2 || tokens.shape[0] !== 1) throw new ShapeError('hcDiagnostics', `tokens ${fmtShape(tokens.shape)} must be (1, T)`);
  if (tokens.dtype !== 'int32') throw new ValueError('hcDiagnostics', `tokens have dtype ${tokens.dtype}; token ids must be int32`);
  const T = tokens.shape[1]!, L = 2 * c.nLayer;
  const residual = residualOf(c);
  if (residual === 'plain') {
    // The single residual stream: H_res = [[1]] at every sublayer, the output a single stream.
    const one = new Float64Array(T).fill(1);
    return gainReport('plain', Array.from({ length: L }, () => one), Array.from({ length: L }, () => new Float64Array(T)), 1, T);
  }
  const mods = model.hyperConnections();
  const wasTraining = model.training;
  model.eval();
  for (const m of mods) m.record = true;
  try {
    tidy(() => noGrad(() => {
      model.forward(tokens);
    }));
    const hres = mods.map((m) => Float64Array.from(m.lastHres!.dataSync()));
    const outs = mods.map((m) => Float64Array.from(m.lastOutput!.dataSync()));
    return gainReport(residual, hres, outs, streamsOf(c), T);
  } finally {
    for (const m of mods) {
      m.record = false;
      m.clearRecord();
    }
    model.train(wasTraining);
  }
}
