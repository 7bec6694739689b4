import { test } from 'vitest';
import { OPS, apply, full, gradients, randn, tensor, type Tensor } from '../../engine/index.js';
const med = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
test('time', () => {
  const on = { backend: 'native' };
  const B = 8, H = 4, T = 128, D = 64;
  const mk = (s: number) => randn([B, H, T, D], { ...on, seed: s }).requireGrad();
  const q = mk(1), k = mk(2), v = mk(3);
  const ins = [q, k, v, full([], 0, on), full([], 1, { ...on, dtype: 'bool' }), full([], 0, { ...on, dtype: 'bool' })];
  const attrs = { causal: true };
  const dOut = randn([B, H, T, D], { ...on, seed: 4 });
  const op = OPS.scaled_dot_product_attention;
  const fused = () => apply(op, ins, attrs)[0]!;
  const decomposed = () => op.decompose!(ins, attrs)[0]!;
  const a = fused().dataSync(), b = decomposed().dataSync();
  let err = 0; a.forEach((x, i) => (err = Math.max(err, Math.abs(x - b[i]!))));
  const ga = gradients([fused()], [dOut], [q, k, v]), gb = gradients([decomposed()], [dOut], [q, k, v]);
  let gerr = 0; ga.forEach((g, n) => { const y = gb[n]!.dataSync(); g!.dataSync().forEach((x, i) => (gerr = Math.max(gerr, Math.abs(x - y[i]!)))); });
  console.log('validate: max |fused - decomposed| fwd', err, 'grads', gerr);
  const time = (f: () => void, reps = 21) => { for (let i = 0; i < 3; i++) f(); const ts: number[] = []; for (let i = 0; i < reps; i++) { const t0 = performance.now(); f(); ts.push(performance.now() - t0); } return med(ts); };
  const round = () => ({
    fwdFused: time(() => { fused().dataSync(); }),
    fwdDecomp: time(() => { decomposed().dataSync(); }),
    fbFused: time(() => { const g = gradients([fused()], [dOut], [q, k, v]); g.forEach((x) => x!.dataSync()); }),
    fbDecomp: time(() => { const g = gradients([decomposed()], [dOut], [q, k, v]); g.forEach((x) => x!.dataSync()); }),
  });
  for (let r = 0; r < 2; r++) console.log(JSON.stringify(round()));
}, 300000);
