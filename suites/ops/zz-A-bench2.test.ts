import { test } from 'vitest';
import { OPS, conv2d, fromArray, initWebGPU } from '../../engine/index.js';
import { PhiloxSource } from '../harness/values.js';

await initWebGPU();
const vals = (n: number, seed: number) => { const s = new PhiloxSource(seed); return Array.from({ length: n }, () => Math.fround(s.normal())); };
test('webgpu bench', async () => {
  const [N, C, H, O] = [2, 16, 33, 32];
  const xv = vals(N * C * H * H, 1), wv = vals(O * C * 9, 2), bv = vals(O, 3);
  const mk = (v: number[], s: number[], backend: string) => fromArray(backend === 'ref' ? Float64Array.from(v) : Float32Array.from(v), s, backend === 'ref' ? 'float64' : 'float32', { backend });
  const args = (backend: string) => [mk(xv, [N, C, H, H], backend), mk(wv, [O, C, 3, 3], backend), mk(bv, [O], backend)] as const;
  const want = conv2d(...args('ref'), { padding: 1 }).dataSync();
  const g = args('webgpu');
  const kernel = () => conv2d(...g, { padding: 1 });
  const decomp = () => OPS.conv2d.decompose!([...g], { padding: 1 })[0]!;
  for (const [name, f] of [['kernel', kernel], ['decomposition', decomp]] as const) {
    const y = await f().data();
    let err = 0; want.forEach((v, i) => { err = Math.max(err, Math.abs(v - y[i]!)); });
    const ts: number[] = [];
    for (let i = 0; i < 7; i++) { const t0 = performance.now(); await f().data(); ts.push(performance.now() - t0); }
    ts.sort((a, b) => a - b);
    const flops = 2 * N * O * H * H * C * 9;
    console.log(`webgpu conv2d ${name}: max err ${err.toExponential(2)}, median ${ts[3]!.toFixed(1)} ms = ${(flops / ts[3]! / 1e6).toFixed(2)} GFLOP/s`);
  }
}, 600_000);
