// Loop helpers shared by the sliding-window ref kernels (conv, fold/unfold, pooling) and the
// separable resampling kernels (adaptive_avg_pool2d, upsample).
import type { Win } from '../../engine/ops/nn/conv-util.js';
import type { Taps } from '../../engine/ops/nn/resample-util.js';

/**
 * For kernel offset kk = i·kw + j and block l = r·ow + q, the offset (row·W + col) of the input
 * pixel the window reads, or -1 where it reads padding: taps[kk·L + l], L = oh·ow.
 */
export function blockTaps([wh, ww]: readonly Win[]): Int32Array {
  const L = wh!.out * ww!.out, W = ww!.size;
  const taps = new Int32Array(wh!.k * ww!.k * L);
  for (let i = 0; i < wh!.k; i++) {
    for (let j = 0; j < ww!.k; j++) {
      const base = (i * ww!.k + j) * L;
      for (let r = 0; r < wh!.out; r++) {
        const row = r * wh!.s - wh!.lo + i * wh!.d;
        for (let q = 0; q < ww!.out; q++) {
          const col = q * ww!.s - ww!.lo + j * ww!.d;
          taps[base + r * ww!.out + q] = row >= 0 && row < wh!.size && col >= 0 && col < W ? row * W + col : -1;
        }
      }
    }
  }
  return taps;
}

/** out[p][i][j] = Σ_a Σ_b th[i](a) · tw[j](b) · x[p][a][b] for each of `planes` (H, W) planes. */
export function applyTaps(x: ArrayLike<number>, planes: number, H: number, W: number, th: Taps, tw: Taps, out: { [i: number]: number }): void {
  const oh = th.length, ow = tw.length;
  for (let p = 0; p < planes; p++) {
    for (let i = 0; i < oh; i++) {
      const { idx: ia, wt: wa } = th[i]!;
      for (let j = 0; j < ow; j++) {
        const { idx: ib, wt: wb } = tw[j]!;
        let acc = 0;
        for (let u = 0; u < ia.length; u++) {
          let row = 0;
          for (let v = 0; v < ib.length; v++) row += wb[v]! * x[(p * H + ia[u]!) * W + ib[v]!]!;
          acc += wa[u]! * row;
        }
        out[(p * oh + i) * ow + j] = acc;
      }
    }
  }
}

interface ConvLoopGeom {
  N: number;
  C: number;
  O: number;
  G: number;
  /** Two spatial dims (a 1-d conv uses unitWin first). */
  wins: readonly Win[];
}

/**
 * y[n,o,l] = b[o] + Σ_{c < C/G, kk} w[o,c,kk] · x[n, g·C/G + c, tap(kk,l)], g = group of o:
 * the grouped convolution written as a sum over the im2col taps.
 */
export function convLoop(x: ArrayLike<number>, w: ArrayLike<number>, b: ArrayLike<number> | undefined, geom: ConvLoopGeom, out: { [i: number]: number }): void {
  const { N, C, O, G, wins } = geom;
  const taps = blockTaps(wins), L = wins[0]!.out * wins[1]!.out, K = taps.length / L;
  const Cg = C / G, Og = O / G, HW = wins[0]!.size * wins[1]!.size;
  for (let n = 0; n < N; n++) {
    for (let o = 0; o < O; o++) {
      const grp = Math.floor(o / Og);
      for (let l = 0; l < L; l++) {
        let acc = b ? b[o]! : 0;
        for (let c = 0; c < Cg; c++) {
          const xBase = (n * C + grp * Cg + c) * HW, wBase = (o * Cg + c) * K;
          for (let kk = 0; kk < K; kk++) {
            const t = taps[kk * L + l]!;
            if (t >= 0) acc += w[wBase + kk]! * x[xBase + t]!;
          }
        }
        out[(n * O + o) * L + l] = acc;
      }
    }
  }
}

/**
 * The adjoint of convLoop in x (conv_transpose): y[n, o, tap(kk,l)] += w[c,o',kk] · x[n,c,l] for
 * the channels c of o's group (o = g·O/G + o'), then + b[o]. Here wins map y (size) to x (out).
 */
export function convTransposeLoop(x: ArrayLike<number>, w: ArrayLike<number>, b: ArrayLike<number> | undefined, geom: ConvLoopGeom, acc: Float64Array): void {
  const { N, C, O, G, wins } = geom;
  const taps = blockTaps(wins), L = wins[0]!.out * wins[1]!.out, K = taps.length / L;
  const Cg = C / G, Og = O / G, HW = wins[0]!.size * wins[1]!.size;
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const grp = Math.floor(c / Cg);
      for (let oo = 0; oo < Og; oo++) {
        const yBase = (n * O + grp * Og + oo) * HW, wBase = (c * Og + oo) * K;
        for (let l = 0; l < L; l++) {
          const v = x[(n * C + c) * L + l]!;
          for (let kk = 0; kk < K; kk++) {
            const t = taps[kk * L + l]!;
            if (t >= 0) acc[yBase + t]! += w[wBase + kk]! * v;
          }
        }
      }
    }
    if (b) for (let o = 0; o < O; o++) for (let t = 0; t < HW; t++) acc[(n * O + o) * HW + t]! += b[o]!;
  }
}
