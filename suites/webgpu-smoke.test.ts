import { test, expect } from 'vitest';
import { initWebGPU, tensor, add, exp, tanh, gelu, where, gt, randn, rand, bernoulli, randint, dropout, cast, getBackend } from '../engine/index.js';
import { philoxWords } from '../engine/rng.js';

test('smoke', async () => {
  const st = await initWebGPU();
  console.log(JSON.stringify(st).slice(0, 400));
  const a = tensor([[1, 2, 3], [4, 5, 6]], { backend: 'webgpu' });
  const b = tensor([10, 20, 30], { backend: 'webgpu' });
  console.log(Array.from(await add(a, b).data()));
  console.log(Array.from(await exp(a).data()));
  console.log(Array.from(await tanh(tensor([-30, -1, -1e-4, 0, 1e-4, 2, 50], { backend: 'webgpu' })).data()));
  console.log(Array.from(await where(gt(a, 3), a, b).data()));
  console.log(Array.from(await cast(tensor([1.7, -2.5, 0], { backend: 'webgpu' }), 'int32').data()));
  const r = await rand([8], { seed: 5, backend: 'webgpu' }).data();
  const rr = rand([8], { seed: 5, backend: 'ref' }).dataSync();
  console.log(Array.from(r), Array.from(rr));
  const n = await randn([5], { seed: 7, backend: 'webgpu' }).data();
  console.log(Array.from(n), Array.from(randn([5], { seed: 7, backend: 'ref' }).dataSync()));
  const ri = await randint([6], -5, 100, { seed: 3, backend: 'webgpu' }).data();
  console.log(Array.from(ri), Array.from(randint([6], -5, 100, { seed: 3, backend: 'ref' }).dataSync()));
  console.log(getBackend('webgpu').memory());
});
