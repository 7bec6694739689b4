import { test } from 'vitest';
import { OPS, apply, full, gradients, initWebGPU, randn } from '../../engine/index.js';
const med = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
test('time webgpu', async () => {
  await initWebGPU();
  const on = { backend: 'webgpu' };
  const B = 2, H = 4, T = 128, D = 64;
  const mk = (s: number) => randn([B, H, T, D], { ...on, seed: s }).requireGrad();
  const q = mk(1), k = mk(2), v = mk(3);
  const ins = [q, k, v, full([], 0, on), full([], 1, { ...on, dtype: 'bool' }), full([], 0, { ...on, dtype: 'bool' })];
  const attrs = { causal: true };
  const dOut = randn([B, H, T, D], { ...on, seed: 4 });
  const op = OPS.scaled_dot_product_attention;
  const fused = () => apply(op, ins, attrs)[0]!;
  const decomposed = () => op.decompose!(ins, attrs)[0]!;
  const a = await fused().data(), b = await decomposed().data();
  let err = 0; a.forEach((x, i) => (err = Math.max(err, Math.abs(x - b[i]!))));
  console.log('validate webgpu: max |fused - decomposed| fwd', err);
  const time = async (f: () => Promise<void>, reps = 9) => { for (let i = 0; i < 2; i++) await f(); const ts: number[] = []; for (let i = 0; i < reps; i++) { const t0 = performance.now(); await f(); ts.push(performance.now() - t0); } return med(ts); };
  for (let r = 0; r < 2; r++) console.log(JSON.stringify({
    fwdFused: await time(async () => { await fused().data(); }),
    fwdDecomp: await time(async () => { await decomposed().data(); }),
    fbFused: await time(async () => { const g = gradients([fused()], [dOut], [q, k, v]); for (const x of g) await x!.data(); }),
    fbDecomp: await time(async () => { const g = gradients([decomposed()], [dOut], [q, k, v]); for (const x of g) await x!.data(); }),
  }));
}, 600000);
