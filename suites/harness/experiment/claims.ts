// The figures of `zoo experiment mhc` over seeds, and the three acceptance checks, computed
// from the runs alone (pure functions of results-file data, so hand-made results test them).
//   1. mHC composite forward gain within 1e-4 of 1 at every sublayer, at every logged step, every seed.
//   2. HC's peak composite gain above mHC's: the "Amax gain magnitude" in either direction,
//      max(forward, backward) over sublayers and logged steps, mean over seeds.
//   3. mean over seeds of mHC's final validation loss <= the plain residual's + 0.02 nats.
// Spec: /work/shared/specs/mhc-hc-attention.md §3.1 (gains), §5 (expected outcomes).
import type {
  ExperimentArm, ExperimentArmSummary, ExperimentClaim, ExperimentPoint, ExperimentRun, SeedStats,
} from '../../../reports/schema.js';

export const FORWARD_GAIN_TOLERANCE = 1e-4;
export const VAL_LOSS_MARGIN = 0.02;

const finite = (x: number | null | undefined): x is number => typeof x === 'number' && Number.isFinite(x);

/** Mean, sample standard deviation (n − 1), min and max of the finite values; nulls when there are none. */
export function seedStats(values: readonly (number | null)[]): SeedStats {
  const xs = values.filter(finite);
  if (!xs.length) return { mean: null, std: null, min: null, max: null, perSeed: [...values] };
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const std = xs.length > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1)) : 0;
  return { mean, std, min: Math.min(...xs), max: Math.max(...xs), perSeed: [...values] };
}

/** The largest value of `f` over a run's logged points (null when no point has a finite one). */
function maxOverPoints(run: ExperimentRun, f: (p: ExperimentPoint) => number | null): number | null {
  const xs = run.points.map(f).filter(finite);
  return xs.length ? Math.max(...xs) : null;
}

const worstFwdDeviation = (p: ExperimentPoint): number | null => {
  const d = p.diagnostics.composite.fwd.map((g) => Math.abs(g - 1));
  return d.length === 0 ? null : d.some((x) => !Number.isFinite(x)) ? Infinity : Math.max(...d);
};

/** Per-run peaks: the largest composite gain, forward and backward, over sublayers and logged steps. */
export function runPeaks(run: ExperimentRun): { fwd: number | null; bwd: number | null; fwdDeviation: number | null } {
  return {
    fwd: maxOverPoints(run, (p) => p.diagnostics.peak.fwd),
    bwd: maxOverPoints(run, (p) => p.diagnostics.peak.bwd),
    fwdDeviation: run.points.length ? run.points.map(worstFwdDeviation).reduce<number | null>((a, b) => (b === null ? a : a === null ? b : Math.max(a, b)), null) : null,
  };
}

export function summarizeArms(runs: readonly ExperimentRun[], arms: readonly ExperimentArm[]): ExperimentArmSummary[] {
  return arms.map((arm) => {
    const rs = runs.filter((r) => r.arm === arm);
    const peaks = rs.map(runPeaks);
    return {
      arm,
      runs: rs.length,
      parameters: rs[0]?.parameters ?? 0,
      finalValLoss: seedStats(rs.map((r) => r.finalValLoss)),
      peakFwd: seedStats(peaks.map((p) => p.fwd)),
      peakBwd: seedStats(peaks.map((p) => p.bwd)),
      fwdDeviation: seedStats(peaks.map((p) => p.fwdDeviation)),
      tokensPerSecond: seedStats(rs.map((r) => r.tokensPerSecond)),
    };
  });
}

const fmt = (x: number | null, digits = 4): string => (x === null ? 'n/a' : x.toFixed(digits));
const sci = (x: number | null): string => (x === null ? 'n/a' : x === 0 ? '0' : x.toExponential(2));

function forwardGainClaim(mhc: ExperimentArmSummary | undefined, runs: readonly ExperimentRun[]): ExperimentClaim {
  const statement = `mHC composite forward gain within ${FORWARD_GAIN_TOLERANCE} of 1 at every sublayer`;
  const mhcRuns = runs.filter((r) => r.arm === 'mhc');
  const points = mhcRuns.reduce((n, r) => n + r.points.length, 0);
  const worst = mhc?.fwdDeviation.max ?? null;
  const unfinished = mhc ? mhc.fwdDeviation.perSeed.some((x) => x === null) || mhcRuns.some((r) => r.divergedAt !== null) : true;
  if (!mhc || !points || worst === null) {
    return { id: 'mhc-forward-gain', statement, passed: false, observed: null, bound: FORWARD_GAIN_TOLERANCE, detail: 'no mHC gains were logged' };
  }
  const passed = worst <= FORWARD_GAIN_TOLERANCE && !unfinished;
  const sublayers = mhcRuns[0]!.points[0]!.diagnostics.sublayers;
  return {
    id: 'mhc-forward-gain', statement, passed, observed: worst, bound: FORWARD_GAIN_TOLERANCE,
    detail: `worst |gain − 1| = ${sci(worst)} over ${sublayers} sublayers × ${points} logged points of ${mhcRuns.length} seed(s)${unfinished ? '; a run diverged or logged no finite gain' : ''} (${passed ? '≤' : '>'} ${FORWARD_GAIN_TOLERANCE})`,
  };
}

/** max(forward, backward) peak of an arm, mean over seeds. */
const amax = (s: ExperimentArmSummary): number | null => {
  const per = s.peakFwd.perSeed.map((f, i) => {
    const b = s.peakBwd.perSeed[i] ?? null;
    return finite(f) && finite(b) ? Math.max(f, b) : null;
  });
  return seedStats(per).mean;
};

function peakClaim(hc: ExperimentArmSummary | undefined, mhc: ExperimentArmSummary | undefined): ExperimentClaim {
  const statement = "HC's peak composite gain above mHC's (max of forward and backward gain over sublayers and logged steps, mean over seeds)";
  const h = hc ? amax(hc) : null, m = mhc ? amax(mhc) : null;
  if (h === null || m === null) {
    return { id: 'hc-peak-above-mhc', statement, passed: false, observed: h, bound: m, detail: `missing gains (${!hc ? 'no HC runs' : !mhc ? 'no mHC runs' : 'a run logged no finite gain'})` };
  }
  const passed = h > m;
  return { id: 'hc-peak-above-mhc', statement, passed, observed: h, bound: m, detail: `HC peak ${fmt(h)} ${passed ? '>' : '≤'} mHC peak ${fmt(m)}` };
}

function lossClaim(plain: ExperimentArmSummary | undefined, mhc: ExperimentArmSummary | undefined): ExperimentClaim {
  const statement = `mean validation loss of mHC no worse than the plain residual's + ${VAL_LOSS_MARGIN}`;
  const p = plain?.finalValLoss, m = mhc?.finalValLoss;
  const complete = (s: SeedStats | undefined) => !!s && s.perSeed.length > 0 && s.perSeed.every(finite);
  if (!complete(p) || !complete(m)) {
    return { id: 'mhc-val-loss', statement, passed: false, observed: m?.mean ?? null, bound: p?.mean == null ? null : p.mean + VAL_LOSS_MARGIN, detail: 'a plain or mHC run is missing or ended without a finite validation loss' };
  }
  const bound = p!.mean! + VAL_LOSS_MARGIN, delta = m!.mean! - p!.mean!;
  const passed = m!.mean! <= bound;
  return {
    id: 'mhc-val-loss', statement, passed, observed: m!.mean, bound,
    detail: `mHC ${fmt(m!.mean)} vs plain ${fmt(p!.mean)}: Δ ${delta >= 0 ? '+' : ''}${fmt(delta)} ${passed ? '≤' : '>'} ${VAL_LOSS_MARGIN}`,
  };
}

/** The three acceptance checks of the issue, in order. */
export function evaluateClaims(arms: readonly ExperimentArmSummary[], runs: readonly ExperimentRun[]): ExperimentClaim[] {
  const of = (a: ExperimentArm) => arms.find((s) => s.arm === a && s.runs > 0);
  return [forwardGainClaim(of('mhc'), runs), peakClaim(of('hc'), of('mhc')), lossClaim(of('plain'), of('mhc'))];
}
