import { test } from 'vitest';
import { initWebGPU, tensor, sum } from '../engine/index.js';

test('repro', async () => {
  await initWebGPU();
  const v = [170000, ...new Array(127).fill(0.1), -170000];
  const x = tensor(v, { backend: 'webgpu' });
  console.log('sum', Array.from(await sum(x).data()), v.reduce((a, b) => a + Math.fround(b), 0));
});
