import { test } from 'vitest';
import { OPS } from '../engine/index.js';
import { checkOp } from './harness/gradcheck.js';
const names = 'abs sign log log1p expm1 sqrt rsqrt reciprocal square sin cos tanh sigmoid relu leaky_relu elu selu celu gelu silu mish softplus softsign hardtanh hardsigmoid hardswish logsigmoid'.split(' ');
test('report', () => {
  for (const n of names) {
    const r = checkOp(OPS[n as keyof typeof OPS], { runs: Number(process.env['RUNS'] ?? 300), seed: Number(process.env['SEED'] ?? 42) });
    console.log(`${n.padEnd(12)} runs=${r.runs} passed=${r.passed} first=${r.worstFirstOrder.toExponential(2)} second=${r.worstSecondOrder.toExponential(2)} ${r.failure?.message ?? ''}`);
  }
}, 600000);
