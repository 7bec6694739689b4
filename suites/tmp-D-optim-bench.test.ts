import { test } from 'vitest';
import { OPS, apply, fromArray, getBackend, type AdamStepAttrs, type Tensor } from '../engine/index.js';
import { addon } from '../kernels/native/addon.js';

test('bench adam_step 4M', () => {
  getBackend('native');
  const n = 4 * 1024 * 1024;
  const rnd = (seed: number, lo: number, hi: number) => { let s = seed; const a = new Float32Array(n); for (let i = 0; i < n; i++) { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; a[i] = lo + (hi - lo) * s / 2 ** 32; } return a; };
  const src = [rnd(1, -1, 1), rnd(2, -1, 1), rnd(3, -1, 1), rnd(4, 0, 2)];
  const mk = (backend: string, dtype: 'float32' | 'float64') => src.map((a) => fromArray(dtype === 'float64' ? Float64Array.from(a) : a.slice(), [n], dtype, { backend }));
  const a: AdamStepAttrs = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, decoupled: true, amsgrad: false, maximize: false, step: 10 };
  const xs = mk('native', 'float32');
  const ref = apply(OPS.adam_step, mk('ref', 'float64'), a).map((t) => t.dataSync());
  const fused = () => apply(OPS.adam_step, xs, a);
  const chain = () => OPS.adam_step.decompose!(xs, a);
  const err = (ys: Tensor[]) => Math.max(...ys.map((y, k) => { const d = y.dataSync(); let w = 0; for (let i = 0; i < n; i++) w = Math.max(w, Math.abs(d[i]! - ref[k]![i]!) / Math.max(1e-3, Math.abs(ref[k]![i]!))); return w; }));
  const f0 = fused(), c0 = chain();
  console.log(`validated: fused max rel err ${err(f0).toExponential(2)}, chain ${err(c0).toExponential(2)}`);
  [...f0, ...c0].forEach((t) => t.dispose());
  const time = (fn: () => Tensor[]) => { const t0 = performance.now(); const ys = fn(); const dt = performance.now() - t0; ys.forEach((t) => t.dispose()); return dt; };
  for (let i = 0; i < 3; i++) { time(fused); time(chain); }
  const tf: number[] = [], tc: number[] = [];
  for (let i = 0; i < 15; i++) { tf.push(time(fused)); tc.push(time(chain)); }
  const med = (v: number[]) => [...v].sort((x, y) => x - y)[v.length >> 1]!;
  const bytes = 7 * 4 * n;
  const T = 256 * 1024 * 1024 / 12 | 0;
  const A = new Float32Array(T), B = new Float32Array(T).fill(1), C = new Float32Array(T).fill(2);
  addon().triad!(A, B, C, 3);
  const tr: number[] = [];
  for (let i = 0; i < 5; i++) { const t0 = performance.now(); (addon() as any).triad(A, B, C, 3); tr.push(12 * T / ((performance.now() - t0) / 1000) / 1e9); }
  console.log(`threads ${addon().info().threads}; fused median ${med(tf).toFixed(2)} ms (${(bytes / med(tf) / 1e6).toFixed(1)} GB/s), chain median ${med(tc).toFixed(2)} ms, ratio ${(med(tc) / med(tf)).toFixed(2)}x; triad best ${Math.max(...tr).toFixed(1)} GB/s median ${med(tr).toFixed(1)}`);
  const outs = [new Float32Array(n), new Float32Array(n), new Float32Array(n)];
  const sc = Float32Array.from([0.01, 1 - 1e-5, 0.9, 0.1, 0.999, 0.001, 1e-8, 1e-3 / (1 - 0.9 ** 10), Math.sqrt(1 - 0.999 ** 10)]);
  const E = new Float32Array(0);
  const xsd = xs.map((t) => t.dataSync() as Float32Array);
  const tk: number[] = [];
  for (let i = 0; i < 20; i++) { const t0 = performance.now(); addon().adamStep(xsd[0]!, xsd[1]!, xsd[2]!, xsd[3]!, E, outs[0]!, outs[1]!, outs[2]!, E, sc, 0); tk.push(performance.now() - t0); }
  console.log(`kernel only (preallocated outputs): median ${med(tk).toFixed(2)} ms = ${(bytes / med(tk) / 1e6).toFixed(1)} GB/s, best ${Math.min(...tk).toFixed(2)} ms = ${(bytes / Math.min(...tk) / 1e6).toFixed(1)} GB/s`);
  console.log(`fused samples ${tf.map((x) => x.toFixed(1)).join(' ')}\nchain samples ${tc.map((x) => x.toFixed(1)).join(' ')}`);
}, 300000);
