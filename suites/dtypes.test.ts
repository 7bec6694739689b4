// float32 on ref: every op computes in float64 and rounds once on store, so a float32 run must
// equal fround(float64 run on the same, already-rounded inputs) exactly, with float32 outputs.
// Driven by the registry: every op's own case generator supplies the shapes and attributes.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { OPS, OP_NAMES, apply, fromArray, isFloat, type AnyOp, type Tensor } from '../engine/index.js';
import { caseValues, specFor } from './harness/values.js';

// Attribute defaults that depend on the dtype: the float64 run gets the float32 default spelled out.
const FLOAT32_DEFAULTS: Record<string, (attrs: Record<string, unknown>) => Record<string, unknown>> = {
  rms_norm: (a) => ({ ...a, eps: a['eps'] ?? 2 ** -23 }), // torch: eps = finfo(dtype).eps
  rms_norm_backward: (a) => ({ ...a, eps: a['eps'] ?? 2 ** -23 }),
};

describe('float32 results are the float64 results rounded once', () => {
  test.each(OP_NAMES)('%s', (name) => {
    const def: AnyOp = OPS[name];
    const cases = fc.sample(def.check.cases, { numRuns: 8, seed: 11 });
    cases.forEach((c, n) => {
      const values = caseValues(def.check, c, 1000 + n);
      const make = (dtype: 'float32' | 'float64'): Tensor[] =>
        c.shapes.map((shape, i) => {
          const kind = specFor(def.check, i).kind;
          const v = values[i]!;
          if (kind === 'int32') return fromArray(Int32Array.from(v), shape, 'int32', { backend: 'ref' });
          if (kind === 'bool') return fromArray(Uint8Array.from(v.map((x) => (x ? 1 : 0))), shape, 'bool', { backend: 'ref' });
          return fromArray(Float64Array.from(v, Math.fround), shape, dtype, { backend: 'ref' });
        });
      const y32 = apply(def, make('float32'), c.attrs);
      const attrs64 = FLOAT32_DEFAULTS[name]?.(c.attrs as Record<string, unknown>) ?? c.attrs;
      const y64 = apply(def, make('float64'), attrs64);
      y32.forEach((o, k) => {
        const r = y64[k]!;
        expect(o.shape).toEqual(r.shape);
        if (isFloat(r.dtype)) {
          // Float32 inputs give float32 outputs unless an attribute asks for another dtype (cast, one_hot).
          const asked = (c.attrs as { dtype?: string } | undefined)?.dtype;
          expect(o.dtype, `${name} output ${k}`).toBe(asked === 'float64' ? 'float64' : 'float32');
          const a = o.dataSync(), b = r.dataSync();
          for (let i = 0; i < a.length; i++) expect(a[i], `${name} output ${k}[${i}] case ${JSON.stringify(c)}`).toBe(o.dtype === 'float32' ? Math.fround(b[i]!) : b[i]);
        } else {
          expect(o.dtype).toBe(r.dtype);
          expect(Array.from(o.dataSync())).toEqual(Array.from(r.dataSync()));
        }
      });
    });
  });
});
