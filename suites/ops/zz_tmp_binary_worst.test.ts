import { test } from 'vitest';
import { OPS } from '../../engine/index.js';
import { checkOp } from '../harness/gradcheck.js';
test('worst', () => {
  for (const n of (process.env['OPS'] ?? 'maximum,minimum,clamp').split(',')) {
    const r = checkOp(OPS[n as 'add'], { runs: 300 });
    console.log(n, r.runs, r.passed, r.worstFirstOrder.toExponential(2), r.worstSecondOrder.toExponential(2), r.failure?.message ?? '');
  }
});
