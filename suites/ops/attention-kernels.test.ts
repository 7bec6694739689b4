// The fused attention and rope kernels of native and webgpu: they run without any decomposition
// fallback (forward and backward), a gpt-shaped causal case matches the float64 oracle, and a
// planted wrong causal boundary is caught by the parity check.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import {
  OPS, backendStatus, fallbackCounts, fromArray, getBackend, gradients, initWebGPU, randn, requiredBackends, resetFallbackCounts, rope,
  scaledDotProductAttention, tensor, type Tensor,
} from '../../engine/index.js';
import { NATIVE_KERNELS } from '../../kernels/native/index.js';
import type { NativeKernel } from '../../kernels/native/types.js';
import { ATTN_COMMON } from '../../kernels/webgpu/attention.js';
import type { WebGPUBackend } from '../../kernels/webgpu/backend.js';
import { checkParity, checkParityAsync } from '../harness/parity.js';

await initWebGPU();
const OURS = ['scaled_dot_product_attention', 'scaled_dot_product_attention_backward', 'rope'];
const available = (b: string) => backendStatus(b).available || requiredBackends().includes(b);

/** float32 normal values (the same on every backend); float64 tensors on ref, the oracle. */
function draw(dev: string, shape: number[], seed: number): Tensor {
  const vals = randn(shape, { seed, backend: 'ref' }).dataSync();
  return dev === 'ref' ? fromArray(Float64Array.from(vals), shape, 'float64', { backend: 'ref' }) : fromArray(Float32Array.from(vals), shape, 'float32', { backend: dev });
}

/** Forward and gradients of q, k, v, the additive mask and rope's input, with every mask kind. */
function attentionStep(dev: string, B: number, H: number, Hkv: number, T: number, D: number): Tensor[] {
  const x = draw(dev, [B, H, T, D], 1).requireGrad();
  const k = draw(dev, [B, Hkv, T, D], 2).requireGrad();
  const v = draw(dev, [B, Hkv, T, D], 3).requireGrad();
  const bias = draw(dev, [1, H, T, T], 4).requireGrad();
  const q = rope(x, { offset: 3 });
  const pad = tensor(Array.from({ length: B * T }, (_, i) => i % 7 === 5), { shape: [B, T], dtype: 'bool', backend: dev });
  const o = scaledDotProductAttention(q, rope(k, { interleaved: false }), v, { causal: true, attnMask: bias, keyPaddingMask: pad });
  return [o, ...gradients([o], [draw(dev, o.shape as number[], 5)], [x, k, v, bias]).map((g) => g!)];
}

describe.each(['native', 'webgpu'])('%s attention kernels', (dev) => {
  const run = available(dev) ? test : test.skip;

  run('forward and backward of attention and rope run without a decomposition fallback', async () => {
    resetFallbackCounts();
    const outs = attentionStep(dev, 2, 4, 2, 9, 8);
    for (const t of outs) expect((await t.data()).every(Number.isFinite)).toBe(true);
    const ours = [...fallbackCounts().entries()].filter(([key]) => OURS.some((op) => key === `${dev}:${op}`));
    expect(ours).toEqual([]);
  });

  run('a gpt-shaped causal case (B=2, H=4, T=129, D=64) matches the float64 oracle, forward and backward', async () => {
    const want = attentionStep('ref', 2, 4, 4, 129, 64);
    const got = attentionStep(dev, 2, 4, 4, 129, 64);
    for (let n = 0; n < want.length; n++) {
      const y = Array.from(want[n]!.dataSync()), g = Array.from(await got[n]!.data());
      const scale = Math.max(...y.map(Math.abs));
      // float32 against float64 over ~129-long softmax sums and 64-long dot products.
      const worst = Math.max(...y.map((v, i) => Math.abs(g[i]! - v)));
      expect(worst, `output ${n}: worst error ${worst} at scale ${scale}`).toBeLessThanOrEqual(2e-5 * scale + 1e-6);
    }
  });
});

describe('a planted wrong causal boundary fails parity', () => {
  test.runIf(available('native'))('native: a kernel that ignores causality is caught', () => {
    const table = NATIVE_KERNELS as Record<string, NativeKernel<{ causal?: boolean }>>;
    const real = table['scaled_dot_product_attention']!;
    table['scaled_dot_product_attention'] = (inputs, attrs, outs) => real(inputs, { ...attrs, causal: false }, outs);
    try {
      const r = checkParity(OPS.scaled_dot_product_attention, 'native', { runs: 30 });
      expect(r.passed).toBe(false);
      expect(r.failure!.message).toMatch(/output 0: element \d+/);
    } finally {
      table['scaled_dot_product_attention'] = real;
    }
    expect(checkParity(OPS.scaled_dot_product_attention, 'native', { runs: 10 }).passed).toBe(true);
  });

  const dir = mkdtempSync(join(tmpdir(), 'zoo-planted-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test.runIf(available('webgpu'))('webgpu: a WGSL variant whose rows see one key too many is caught', async () => {
    // The shipped kernel with the causal end i + Tk − Tq + 1 moved to i + Tk − Tq + 2.
    const src = readFileSync(join(import.meta.dirname, '..', '..', 'kernels', 'wgsl', 'scaled_dot_product_attention.wgsl'), 'utf8');
    const wrong = ATTN_COMMON.replace('i32(P.Tk) - i32(P.Tq) + 1', 'i32(P.Tk) - i32(P.Tq) + 2');
    expect(wrong).not.toBe(ATTN_COMMON);
    writeFileSync(join(dir, 'scaled_dot_product_attention.planted.wgsl'), src.replace('{{ATTN_COMMON}}', wrong));
    const prev = process.env['ZOO_WGSL_PATH'];
    process.env['ZOO_WGSL_PATH'] = dir;
    const b = getBackend('webgpu') as WebGPUBackend;
    try {
      b.setVariant('scaled_dot_product_attention', 'planted');
      const r = await checkParityAsync(OPS.scaled_dot_product_attention, 'webgpu', { runs: 30 });
      expect(r.passed).toBe(false);
      expect(r.failure!.message).toMatch(/output 0: element \d+/);
    } finally {
      b.setVariant('scaled_dot_product_attention', 'default');
      if (prev === undefined) delete process.env['ZOO_WGSL_PATH'];
      else process.env['ZOO_WGSL_PATH'] = prev;
    }
  });
});
