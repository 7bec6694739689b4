// Validation before timing: the benchmarked computation's outputs on a backend against the same
// computation on ref (float64 arithmetic). A float32 backend is held to a normalized error
//   err = ‖y − y_ref‖∞ / max(‖y_ref‖∞, 1e-30)        (per output; the worst output counts)
// against VALIDATION_TOLERANCE. NaN or Inf where ref is finite never passes.
import type { ValidationRecord } from '../../../reports/schema.js';

/** Budget of the normalized error: float32 rounding of long reductions stays far below it; a wrong kernel does not. */
export const VALIDATION_TOLERANCE = 1e-3;

export function normalizedError(y: ArrayLike<number>, ref: ArrayLike<number>): number {
  if (y.length !== ref.length) return Infinity;
  let scale = 0, diff = 0;
  for (let i = 0; i < ref.length; i++) {
    const r = ref[i]!, v = y[i]!;
    if (!Number.isFinite(v) && Number.isFinite(r)) return Infinity;
    if (Number.isNaN(v) !== Number.isNaN(r)) return Infinity;
    if (Number.isFinite(r)) {
      scale = Math.max(scale, Math.abs(r));
      diff = Math.max(diff, Math.abs(v - r));
    }
  }
  return diff / Math.max(scale, 1e-30);
}

/** Relative L2 error ‖y − y_ref‖₂ / ‖y_ref‖₂ over several arrays taken together (gradients of a model). */
export function relativeL2(ys: readonly ArrayLike<number>[], refs: readonly ArrayLike<number>[]): number {
  let num = 0, den = 0;
  for (let k = 0; k < refs.length; k++) {
    const y = ys[k], r = refs[k]!;
    if (!y || y.length !== r.length) return Infinity;
    for (let i = 0; i < r.length; i++) {
      if (!Number.isFinite(y[i]!)) return Infinity;
      num += (y[i]! - r[i]!) ** 2;
      den += r[i]! ** 2;
    }
  }
  return Math.sqrt(num) / Math.max(Math.sqrt(den), 1e-30);
}

export function validationRecord(error: number, compared: string, extra: Partial<ValidationRecord> = {}): ValidationRecord {
  const passed = error <= VALIDATION_TOLERANCE;
  return {
    status: passed ? 'passed' : 'failed',
    error: Number.isFinite(error) ? error : null,
    tolerance: VALIDATION_TOLERANCE,
    compared,
    ...extra,
    ...(passed || extra.detail ? {} : { detail: Number.isFinite(error) ? `error ${error.toExponential(2)} exceeds ${VALIDATION_TOLERANCE}` : 'non-finite values or mismatched sizes' }),
  };
}

export const ORACLE: ValidationRecord = { status: 'oracle', error: null, tolerance: VALIDATION_TOLERANCE, compared: 'ref is the float64 oracle' };
