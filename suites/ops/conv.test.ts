// Convolution, pooling and resampling ops: conv1d, conv2d, conv_transpose2d, unfold, fold,
// max_pool2d, avg_pool2d, adaptive_avg_pool2d, upsample. Forward values are derived by hand in
// the comments; adjoint identities tie the linear ops together; the decompositions (the ops
// written with unfold/fold/matmul) are a second oracle for the kernels; PyTorch edge cases and
// typed errors follow. torch-parity.test.ts checks the same ops against PyTorch's values.
import { describe, expect, test } from 'vitest';
import {
  DTypeError, OPS, ShapeError, ValueError, adaptiveAvgPool2d, avgPool2d, conv1d, conv2d, convTranspose2d, fold, grad,
  maxPool2d, maxPool2dWithIndices, mul, ones, randn, sum, tensor, unfold, upsample, type OpName, type Tensor,
} from '../../engine/index.js';
import { expectClose, expectError } from '../harness/expect.js';

const f64 = (data: Parameters<typeof tensor>[0]): Tensor => tensor(data, { dtype: 'float64' });
const rn = (shape: number[], seed: number): Tensor => randn(shape, { seed, dtype: 'float64' });
/** 1, 2, …, n in the given shape. */
const iota = (shape: number[]): Tensor => tensor(Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => i + 1), { dtype: 'float64', shape });
const flat = (t: Tensor): number[] => Array.from(t.dataSync());
const dot = (a: Tensor, b: Tensor): number => sum(mul(a, b)).item();

describe('conv1d', () => {
  const x = f64([[[1, 2, 3, 4, 5]]]); // (1,1,5)
  const w = f64([[[1, 0, -1]]]); // (1,1,3): y[i] = x[i] - x[i+2] (cross-correlation, as torch)

  test('is a cross-correlation with padding, stride, dilation and bias', () => {
    expect(flat(conv1d(x, w))).toEqual([-2, -2, -2]);
    // padding 1: x_pad = 0,1,2,3,4,5,0 → 0-2, 1-3, 2-4, 3-5, 4-0.
    expect(flat(conv1d(x, w, null, { padding: 1 }))).toEqual([-2, -2, -2, -2, 4]);
    // stride 2 on the padded signal keeps positions 0, 2, 4; a bias of 10 is added to each.
    expect(flat(conv1d(x, w, f64([10]), { padding: 1, stride: 2 }))).toEqual([8, 8, 14]);
    // dilation 2: y[i] = x[i] - x[i+4], one position.
    expect(flat(conv1d(x, w, null, { dilation: 2 }))).toEqual([-4]);
  });

  test("'same' keeps the length; an even kernel puts the extra zero at the end (torch)", () => {
    // K = 2, total pad 1: left 0, right 1 → y[i] = x[i] + 10·x[i+1], x[5] = 0.
    expect(flat(conv1d(x, f64([[[1, 10]]]), null, { padding: 'same' }))).toEqual([21, 32, 43, 54, 5]);
    expect(conv1d(x, w, null, { padding: 'valid' }).shape).toEqual([1, 1, 3]);
  });

  test('groups convolve channel groups separately (depthwise when groups = C)', () => {
    const x2 = f64([[[1, 2, 3], [10, 20, 30]]]); // (1,2,3)
    // Channel 0 with kernel [1,1], channel 1 with kernel [1,-1].
    const y = conv1d(x2, f64([[[1, 1]], [[1, -1]]]), null, { groups: 2 });
    expect(y.toArray()).toEqual([[[3, 5], [-10, -10]]]);
  });
});

describe('conv2d', () => {
  test('sums each window times the kernel', () => {
    // 3x3 image 1..9, 2x2 kernel of ones: window sums 1+2+4+5 = 12, 16, 24, 28.
    expect(conv2d(iota([1, 1, 3, 3]), ones([1, 1, 2, 2], { dtype: 'float64' })).toArray()).toEqual([[[[12, 16], [24, 28]]]]);
    // Non-square kernel [[1, -1]], stride (1, 2), padding (0, 1): padded rows 0,1,2,3,0 and 0,4,5,6,0;
    // windows at columns 0 and 2: 0-1, 2-3 and 0-4, 5-6.
    const y = conv2d(iota([1, 1, 2, 3]), f64([[[[1, -1]]]]), null, { stride: [1, 2], padding: [0, 1] });
    expect(y.toArray()).toEqual([[[[-1, -1], [-4, -1]]]]);
  });

  test('groups equal separate convolutions of the channel groups', () => {
    const x = rn([2, 4, 5, 6], 1), w = rn([6, 2, 3, 2], 2), b = rn([6], 3);
    const attrs = { stride: [2, 1] as [number, number], padding: 1, dilation: [1, 2] as [number, number] };
    const y = conv2d(x, w, b, { ...attrs, groups: 2 });
    // Group g uses channels 2g..2g+1 and output channels 3g..3g+2.
    const part = (t: Tensor, axis: number, from: number, n: number) => tensor(sliceAlong(t, axis, from, n), { dtype: 'float64', shape: t.shape.map((d, i) => (i === axis ? n : d)) });
    const y0 = conv2d(part(x, 1, 0, 2), part(w, 0, 0, 3), part(b, 0, 0, 3), attrs);
    const y1 = conv2d(part(x, 1, 2, 2), part(w, 0, 3, 3), part(b, 0, 3, 3), attrs);
    expectClose(part(y, 1, 0, 3), flat(y0));
    expectClose(part(y, 1, 3, 3), flat(y1));
  });

  test("'same' with an even, dilated kernel pads asymmetrically and keeps H, W", () => {
    const x = iota([1, 1, 1, 4]);
    // kw = 2, dilation 2: total pad 2 → 1 left, 1 right; y[j] = x[j-1] + 10·x[j+1].
    expect(flat(conv2d(x, f64([[[[1, 10]]]]), null, { padding: 'same', dilation: [1, 2] }))).toEqual([20, 31, 42, 3]);
    // kw = 4, total 3 → 1 left, 2 right: x_pad = 0,1,2,3,4,0,0 and y[j] = x_pad[j] + x_pad[j+3].
    expect(flat(conv2d(x, f64([[[[1, 0, 0, 1]]]]), null, { padding: 'same' }))).toEqual([3, 5, 2, 3]);
    expect(conv2d(rn([1, 2, 5, 6], 4), rn([3, 2, 2, 4], 5), null, { padding: 'same', dilation: [2, 1] }).shape).toEqual([1, 3, 5, 6]);
  });

  test('keeps float32 and gives zero batches an empty result', () => {
    const y = conv2d(randn([1, 2, 4, 4], { seed: 1 }), randn([3, 2, 3, 3], { seed: 2 }), null, { padding: 1 });
    expect(y.dtype).toBe('float32');
    expect(conv2d(rn([0, 2, 4, 4], 1), rn([3, 2, 3, 3], 2)).shape).toEqual([0, 3, 2, 2]);
  });

  test('the weight gradient of sum(conv) is each tap summed over the windows', () => {
    // d/dw[p,q] Σ_ij Σ_pq w[p,q] x[i+p, j+q] = Σ over windows of x at tap (p,q): 1+2+4+5=12, 16, 24, 28.
    const x = iota([1, 1, 3, 3]);
    const g = grad((w: Tensor) => sum(conv2d(x, w)))(f64([[[[0, 0], [0, 0]]]]));
    expect(g.toArray()).toEqual([[[[12, 16], [24, 28]]]]);
  });
});

/** Values of t restricted to indices [from, from+n) of `axis`, row-major. */
function sliceAlong(t: Tensor, axis: number, from: number, n: number): number[] {
  const d = flat(t), shape = t.shape;
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1), outer = shape.slice(0, axis).reduce((a, b) => a * b, 1);
  const out: number[] = [];
  for (let o = 0; o < outer; o++) for (let i = from; i < from + n; i++) for (let k = 0; k < inner; k++) out.push(d[(o * shape[axis]! + i) * inner + k]!);
  return out;
}

describe('conv_transpose2d', () => {
  test('scatters each input pixel times the kernel', () => {
    const x = f64([[[[1, 2]]]]), w = f64([[[[1, 10]]]]);
    // stride 2: 1·[1,10] at 0 and 2·[1,10] at 2 → [1, 10, 2, 20]; stride 1 overlaps: [1, 12, 20].
    expect(flat(convTranspose2d(x, w, null, { stride: 2 }))).toEqual([1, 10, 2, 20]);
    expect(flat(convTranspose2d(x, w))).toEqual([1, 12, 20]);
    // padding 1 crops one column from each side; outputPadding 1 adds one back at the end.
    expect(flat(convTranspose2d(x, w, null, { stride: 2, padding: [0, 1] }))).toEqual([10, 2]);
    expect(flat(convTranspose2d(x, w, f64([5]), { stride: 2, padding: [0, 1], outputPadding: [0, 1] }))).toEqual([15, 7, 25]);
  });

  test('is the adjoint of conv2d in x: <conv2d(y, w), x> = <y, conv_transpose2d(x, w)>', () => {
    const attrs = { stride: [2, 3] as [number, number], padding: [1, 0] as [number, number], dilation: [1, 2] as [number, number], groups: 2 };
    const w = rn([4, 3, 3, 2], 1), x = rn([2, 4, 3, 4], 2);
    // Hout = (3-1)·2 - 2 + 2 + 1 + 1 = 6 (outputPadding 1), Wout = (4-1)·3 + 2 + 2 + 1 = 14 (outputPadding 2).
    const yt = convTranspose2d(x, w, null, { ...attrs, outputPadding: [1, 2] });
    expect(yt.shape).toEqual([2, 6, 6, 14]);
    const y = rn(yt.shape as number[], 3);
    expect(conv2d(y, w, null, attrs).shape).toEqual(x.shape);
    expect(dot(conv2d(y, w, null, attrs), x)).toBeCloseTo(dot(y, yt), 10);
  });

  test('outputPadding may reach the stride when it is below the dilation (torch)', () => {
    const y = convTranspose2d(rn([1, 2, 3, 3], 1), rn([2, 2, 2, 2], 2), null, { dilation: 3, outputPadding: 2, padding: 1 });
    // (3-1)·1 - 2 + 3·1 + 2 + 1 = 6.
    expect(y.shape).toEqual([1, 2, 6, 6]);
  });
});

describe('unfold and fold', () => {
  test('unfold lists every window as a column (kernel offsets as rows)', () => {
    // 3x3 image 1..9, 2x2 windows at (0,0), (0,1), (1,0), (1,1): row kk holds tap kk of each window.
    expect(unfold(iota([1, 1, 3, 3]), { kernelSize: 2 }).toArray()).toEqual([[[1, 2, 4, 5], [2, 3, 5, 6], [4, 5, 7, 8], [5, 6, 8, 9]]]);
    // padding 1, stride 2, kernel 1: the padded corners and centre-row zeros.
    expect(unfold(iota([1, 1, 2, 2]), { kernelSize: 1, padding: 1, stride: 2 }).toArray()).toEqual([[[0, 0, 0, 4]]]);
  });

  test('fold sums overlapping windows: fold(unfold(ones)) counts the windows per pixel', () => {
    const attrs = { kernelSize: 2, outputSize: 3 };
    expect(fold(unfold(ones([1, 1, 3, 3], { dtype: 'float64' }), attrs), attrs).toArray()).toEqual([[[[1, 2, 1], [2, 4, 2], [1, 2, 1]]]]);
  });

  test('fold is the adjoint of unfold: <unfold(x), c> = <x, fold(c)>', () => {
    const attrs = { kernelSize: [2, 3] as [number, number], dilation: [2, 1] as [number, number], padding: [1, 2] as [number, number], stride: [2, 1] as [number, number] };
    const x = rn([2, 3, 5, 6], 1);
    const cols = unfold(x, attrs);
    const c = rn(cols.shape as number[], 2);
    expect(dot(cols, c)).toBeCloseTo(dot(x, fold(c, { ...attrs, outputSize: [5, 6] })), 10);
  });
});

describe('max_pool2d', () => {
  test('takes the max of each window and returns its flat index in the H·W plane', () => {
    const [v, i] = maxPool2dWithIndices(iota([1, 1, 4, 4]), { kernelSize: 2 });
    // Windows of 1..16 (stride = kernel): maxima 6, 8, 14, 16 at flat indices 5, 7, 13, 15.
    expect(v!.toArray()).toEqual([[[[6, 8], [14, 16]]]]);
    expect(i!.dtype).toBe('int32');
    expect(i!.toArray()).toEqual([[[[5, 7], [13, 15]]]]);
  });

  test('ties pick the first in window order, NaN propagates, padding never wins', () => {
    const [, i] = maxPool2dWithIndices(ones([1, 1, 2, 4], { dtype: 'float64' }), { kernelSize: 2 });
    expect(i!.toArray()).toEqual([[[[0, 2]]]]);
    const [v2, i2] = maxPool2dWithIndices(f64([[[[1, NaN, 3, 4]]]]), { kernelSize: [1, 2] });
    expect(flat(v2!)[0]).toBeNaN();
    expect(flat(i2!)).toEqual([1, 3]);
    // All values negative with padding 1: the implicit padding is -inf, so the max is a real value.
    expect(flat(maxPool2d(f64([[[[-5, -3], [-4, -2]]]]), { kernelSize: 2, stride: 1, padding: 1 }))).toEqual([-5, -3, -3, -4, -2, -2, -4, -2, -2]);
  });

  test('ceilMode keeps a last partial window that starts inside the input', () => {
    const x = iota([1, 1, 5, 5]);
    expect(maxPool2d(x, { kernelSize: 2 }).shape).toEqual([1, 1, 2, 2]);
    // ceil: 3 windows per dim, the last one covering row/column 4 only.
    expect(maxPool2d(x, { kernelSize: 2, ceilMode: true }).toArray()).toEqual([[[[7, 9, 10], [17, 19, 20], [22, 24, 25]]]]);
    // torch drops a ceil window that would start in the right padding: (4 + 2·1 - 2 + 1)/2 → 3, not 4.
    expect(maxPool2d(iota([1, 1, 4, 4]), { kernelSize: 2, padding: 1, ceilMode: true }).shape).toEqual([1, 1, 3, 3]);
  });

  test('the gradient flows to each argmax, summed where windows overlap', () => {
    // 1x3 row [1, 3, 2] with kernel 2, stride 1: both windows pick index 1.
    const g = grad((x: Tensor) => sum(maxPool2d(x, { kernelSize: [1, 2], stride: 1 })))(f64([[[[1, 3, 2]]]]));
    expect(flat(g)).toEqual([0, 2, 0]);
  });
});

describe('avg_pool2d', () => {
  test('averages each window', () => {
    expect(avgPool2d(iota([1, 1, 4, 4]), { kernelSize: 2 }).toArray()).toEqual([[[[3.5, 5.5], [11.5, 13.5]]]]);
  });

  test('countIncludePad, divisorOverride and ceilMode divisors follow torch', () => {
    const x = ones([1, 1, 3, 3], { dtype: 'float64' });
    // 3x3 windows, padding 1: the corner window holds 4 ones of 9 cells, the edge 6, the centre 9.
    expectClose(avgPool2d(x, { kernelSize: 3, stride: 1, padding: 1 }), [4, 6, 4, 6, 9, 6, 4, 6, 4].map((v) => v / 9));
    expectClose(avgPool2d(x, { kernelSize: 3, stride: 1, padding: 1, countIncludePad: false }), new Array<number>(9).fill(1));
    expectClose(avgPool2d(x, { kernelSize: 3, stride: 1, padding: 1, divisorOverride: 2 }), [4, 6, 4, 6, 9, 6, 4, 6, 4].map((v) => v / 2));
    // ceilMode on 5x5 ones, kernel 2: the last window is clipped to the (padded) input, so it divides
    // by 2 (or 1 in the corner), not 4: every output is 1.
    expectClose(avgPool2d(ones([1, 1, 5, 5], { dtype: 'float64' }), { kernelSize: 2, ceilMode: true }), new Array<number>(9).fill(1));
  });

  test('the gradient spreads dOut / divisor over each window', () => {
    // 1x4 row, kernel 2 stride 1: windows (0,1), (1,2), (2,3), each cell gets 1/2 per covering window.
    const g = grad((x: Tensor) => sum(avgPool2d(x, { kernelSize: [1, 2], stride: 1 })))(f64([[[[1, 2, 3, 4]]]]));
    expectClose(g, [0.5, 1, 1, 0.5]);
  });
});

describe('adaptive_avg_pool2d', () => {
  test('averages over [floor(i·in/out), ceil((i+1)·in/out)) windows', () => {
    // 5 → 3: windows [0,2), [1,4), [3,5) of 1..5: 1.5, 3, 4.5.
    expectClose(adaptiveAvgPool2d(iota([1, 1, 1, 5]), { outputSize: [1, 3] }), [1.5, 3, 4.5]);
    // 2 → 3 (upsampling): [0,1), [0,2), [1,2): x0, (x0+x1)/2, x1.
    expectClose(adaptiveAvgPool2d(f64([[[[2, 4]]]]), { outputSize: [1, 3] }), [2, 3, 4]);
    // outputSize 1 is the global average.
    expectClose(adaptiveAvgPool2d(iota([1, 2, 2, 2]), { outputSize: 1 }), [2.5, 6.5]);
  });

  test('its gradient is the transpose of the averaging map', () => {
    // d/dx Σ_j y_j for 5 → 3: x0 is in window 0 (1/2); x1 in windows 0 (1/2) and 1 (1/3); x2 in 1; x3 in 1, 2; x4 in 2.
    const g = grad((x: Tensor) => sum(adaptiveAvgPool2d(x, { outputSize: [1, 3] })))(iota([1, 1, 1, 5]));
    expectClose(g, [1 / 2, 1 / 2 + 1 / 3, 1 / 3, 1 / 3 + 1 / 2, 1 / 2]);
  });
});

describe('upsample', () => {
  test('nearest repeats pixels with the floor(i·in/out) rule (not nearest-exact)', () => {
    expect(upsample(f64([[[[1, 2], [3, 4]]]]), { scaleFactor: 2 }).toArray()).toEqual([[[[1, 1, 2, 2], [1, 1, 2, 2], [3, 3, 4, 4], [3, 3, 4, 4]]]]);
    // 3 → 5: sources floor(i·3/5) = 0, 0, 1, 1, 2 (nearest-exact would give 0, 1, 1, 2, 2).
    expect(flat(upsample(f64([[[[1, 2, 3]]]]), { size: [1, 5] }))).toEqual([1, 1, 2, 2, 3]);
  });

  test('nearest picks the same pixels as torch, which computes the index in float32', () => {
    // 2 → 82: column 41 reads floor(41 · float32(2/82)) = floor(0.99999994) = 0 in torch (1 exactly).
    const y = flat(upsample(f64([[[[7, 9]]]]), { size: [1, 82] }));
    expect(y[41]).toBe(7);
    expect(y[42]).toBe(9);
  });

  test('bilinear with and without alignCorners', () => {
    const x = f64([[[[0, 4]]]]);
    // alignCorners: src = i·(2-1)/(3-1) → 0, 0.5, 1.
    expectClose(upsample(x, { size: [1, 3], mode: 'bilinear', alignCorners: true }), [0, 2, 4]);
    // half-pixel: src = max((i+0.5)/2 - 0.5, 0) → 0, 0.25, 0.75, 1.25 (clamped to the last pixel).
    expectClose(upsample(x, { size: [1, 4], mode: 'bilinear' }), [0, 1, 3, 4]);
    expectClose(upsample(x, { scaleFactor: [1, 2], mode: 'bilinear' }), [0, 1, 3, 4]);
  });

  test('the gradient of nearest x2 sums each 2x2 block', () => {
    const g = grad((x: Tensor) => sum(mul(upsample(x, { scaleFactor: 2 }), iota([1, 1, 2, 4]))))(f64([[[[0, 0]]]]));
    // Pixel 0 feeds outputs (0,0), (0,1), (1,0), (1,1) with weights 1, 2, 5, 6.
    expect(flat(g)).toEqual([14, 22]);
  });
});

describe('float32', () => {
  test('forward and backward stay float32 and match float64 to float32 precision', () => {
    const fns: ((x: Tensor) => Tensor)[] = [
      (x) => conv2d(x, cast32(rn([3, 2, 3, 2], 2)), null, { stride: 2, padding: 'valid' }),
      (x) => convTranspose2d(x, cast32(rn([2, 3, 2, 2], 2)), null, { stride: 2, outputPadding: 1 }),
      (x) => maxPool2d(x, { kernelSize: 2, ceilMode: true }),
      (x) => avgPool2d(x, { kernelSize: 3, stride: 2, padding: 1, countIncludePad: false }),
      (x) => adaptiveAvgPool2d(x, { outputSize: [2, 3] }),
      (x) => upsample(x, { scaleFactor: 1.5, mode: 'bilinear' }),
    ];
    const x64 = rn([1, 2, 5, 5], 1), x32 = cast32(x64);
    for (const f of fns) {
      const g32 = grad((x: Tensor) => sum(mul(f(x), f(x))))(x32), g64 = grad((x: Tensor) => sum(mul(f(x), f(x))))(x64);
      expect(f(x32).dtype).toBe('float32');
      expect(g32.dtype).toBe('float32');
      expectClose(g32, flat(g64), 1e-4);
    }
  });
});

/** A float32 copy. */
const cast32 = (t: Tensor): Tensor => tensor(Float32Array.from(t.dataSync()), { dtype: 'float32', shape: t.shape });

describe('decompositions (ops written with unfold/fold/matmul) match the kernels', () => {
  const cases: [OpName, Tensor[], object][] = [
    ['conv1d', [rn([2, 4, 9], 1), rn([6, 2, 3], 2), rn([6], 3)], { stride: 2, padding: 1, dilation: 2, groups: 2 }],
    ['conv1d', [rn([1, 3, 7], 1), rn([3, 1, 4], 2)], { padding: 'same', groups: 3 }],
    ['conv2d', [rn([2, 4, 7, 6], 1), rn([6, 2, 3, 2], 2), rn([6], 3)], { stride: [2, 1], padding: [1, 0], dilation: [1, 2], groups: 2 }],
    ['conv2d', [rn([1, 3, 5, 6], 4), rn([3, 1, 2, 4], 5)], { padding: 'same', dilation: 2, groups: 3 }],
    ['conv_transpose2d', [rn([2, 4, 3, 4], 1), rn([4, 3, 3, 2], 2), rn([6], 3)], { stride: [2, 3], padding: [1, 0], outputPadding: [1, 2], dilation: [1, 2], groups: 2 }],
    ['conv_transpose2d', [rn([1, 2, 3, 3], 1), rn([2, 2, 2, 2], 2)], { dilation: 3, outputPadding: 2, padding: 1 }],
    ['avg_pool2d', [rn([2, 3, 7, 8], 1)], { kernelSize: 3, stride: 2, padding: 1, ceilMode: true, countIncludePad: false }],
    ['avg_pool2d', [rn([1, 2, 5, 5], 1)], { kernelSize: [2, 3], ceilMode: true, divisorOverride: 4 }],
    ['adaptive_avg_pool2d', [rn([2, 3, 7, 5], 1)], { outputSize: [3, 9] }],
    ['upsample', [rn([1, 2, 3, 4], 1)], { scaleFactor: [1.7, 2.5] }],
    ['upsample', [rn([1, 2, 3, 4], 1)], { size: [5, 7], mode: 'bilinear', alignCorners: true }],
  ];
  test.each(cases.map(([op, xs, attrs], i) => [`${op} #${i}`, op, xs, attrs] as const))('%s', (_label, op, xs, attrs) => {
    const def = OPS[op];
    expect(def.decompose).toBeDefined();
    const fromKernel = applyOp(op, xs, attrs), fromOps = def.decompose!(xs, attrs as never)[0]!;
    expect(fromOps.shape).toEqual(fromKernel.shape);
    expectClose(fromOps, flat(fromKernel), 1e-12);
  });
});

/** The op through its user function's dispatch (the ref kernel). */
function applyOp(op: OpName, xs: Tensor[], attrs: object): Tensor {
  const a = attrs as never;
  switch (op) {
    case 'conv1d': return conv1d(xs[0]!, xs[1]!, xs[2] ?? null, a);
    case 'conv2d': return conv2d(xs[0]!, xs[1]!, xs[2] ?? null, a);
    case 'conv_transpose2d': return convTranspose2d(xs[0]!, xs[1]!, xs[2] ?? null, a);
    case 'avg_pool2d': return avgPool2d(xs[0]!, a);
    case 'adaptive_avg_pool2d': return adaptiveAvgPool2d(xs[0]!, a);
    default: return upsample(xs[0]!, a);
  }
}

describe('typed errors name the op, the argument and the shapes', () => {
  const x4 = rn([1, 4, 5, 5], 1);
  test('conv1d / conv2d', () => {
    expectError(() => conv2d(x4, rn([6, 3, 3, 3], 2)), ShapeError, 'conv2d:', 'x (1,4,5,5)', 'weight (6,3,3,3)', '3 input channels per group');
    expectError(() => conv2d(x4, rn([6, 1, 3, 3], 2), null, { groups: 3 }), ShapeError, 'conv2d:', '(1,4,5,5)', 'groups 3');
    expectError(() => conv2d(x4, rn([5, 2, 3, 3], 2), null, { groups: 2 }), ShapeError, 'conv2d:', 'weight (5,2,3,3)', '5 output channels');
    expectError(() => conv2d(x4, rn([2, 4, 7, 3], 2)), ShapeError, 'conv2d:', 'x (1,4,5,5)', 'weight (2,4,7,3)', 'smaller than the dilated kernel (7,3)');
    expectError(() => conv2d(x4, rn([2, 4, 3, 3], 2), rn([3], 3)), ShapeError, 'conv2d:', 'bias (3)', 'must have shape (2)');
    expectError(() => conv2d(rn([4, 5, 5], 1), rn([2, 4, 3, 3], 2)), ShapeError, 'conv2d:', 'x (4,5,5)', '4-D');
    expectError(() => conv2d(x4, rn([2, 4, 3, 3], 2), null, { stride: 0 }), ValueError, 'conv2d:', 'stride 0', 'positive');
    expectError(() => conv2d(x4, rn([2, 4, 3, 3], 2), null, { dilation: [1, -1] }), ValueError, 'conv2d:', 'dilation (1,-1)');
    expectError(() => conv2d(x4, rn([2, 4, 3, 3], 2), null, { padding: 'same', stride: 2 }), ValueError, 'conv2d:', "'same'", 'stride 1');
    expectError(() => conv2d(x4, rn([2, 4, 3, 3], 2), null, { groups: 0 }), ValueError, 'conv2d:', 'groups 0');
    expectError(() => conv2d(tensor([[[[1]]]], { dtype: 'int32' }), rn([1, 1, 1, 1], 2)), DTypeError, 'conv2d:', 'x (1,1,1,1)', 'int32');
    expectError(() => conv1d(rn([2, 3, 4], 1), rn([2, 3, 5], 2)), ShapeError, 'conv1d:', 'x (2,3,4)', 'weight (2,3,5)', 'dilated kernel (5)');
    expectError(() => conv1d(rn([2, 3, 4], 1), rn([2, 3, 2, 2], 2)), ShapeError, 'conv1d:', 'weight (2,3,2,2)', '3-D');
  });

  test('conv_transpose2d', () => {
    expectError(() => convTranspose2d(x4, rn([3, 2, 3, 3], 2)), ShapeError, 'conv_transpose2d:', 'x (1,4,5,5)', 'weight (3,2,3,3)', 'input channels');
    expectError(() => convTranspose2d(x4, rn([4, 2, 3, 3], 2), null, { stride: 2, outputPadding: 2 }), ValueError, 'conv_transpose2d:', 'outputPadding (2,2)', 'stride (2,2)');
    expectError(() => convTranspose2d(rn([1, 1, 1, 1], 1), rn([1, 1, 1, 1], 2), null, { padding: 1 }), ShapeError, 'conv_transpose2d:', 'spatial size (-1,-1)');
  });

  test('unfold / fold', () => {
    expectError(() => unfold(rn([1, 1, 2, 2], 1), { kernelSize: 3 }), ShapeError, 'unfold:', 'x (1,1,2,2)', 'kernel (3,3)');
    expectError(() => unfold(rn([1, 2, 2], 1), { kernelSize: 1 }), ShapeError, 'unfold:', 'x (1,2,2)', '4-D');
    expectError(() => fold(rn([1, 5, 4], 1), { outputSize: 3, kernelSize: 2 }), ShapeError, 'fold:', 'cols (1,5,4)', 'not divisible by the kernel size');
    expectError(() => fold(rn([1, 4, 5], 1), { outputSize: 3, kernelSize: 2 }), ShapeError, 'fold:', 'cols (1,4,5)', '4 blocks');
    expectError(() => fold(rn([1, 4, 4], 1), { outputSize: 3, kernelSize: 2, stride: 0 }), ValueError, 'fold:', 'stride 0');
  });

  test('pools', () => {
    expectError(() => maxPool2d(x4, { kernelSize: 2, padding: 2 }), ValueError, 'max_pool2d:', 'padding (2,2)', 'half of kernelSize (2,2)');
    expectError(() => maxPool2d(x4, { kernelSize: 7 }), ShapeError, 'max_pool2d:', 'x (1,4,5,5)', 'kernel (7,7)');
    expectError(() => maxPool2d(x4, { kernelSize: 2, dilation: 0 }), ValueError, 'max_pool2d:', 'dilation 0');
    expectError(() => avgPool2d(rn([4, 5], 1), { kernelSize: 2 }), ShapeError, 'avg_pool2d:', 'x (4,5)', '4-D');
    expectError(() => avgPool2d(x4, { kernelSize: 2, divisorOverride: 0 }), ValueError, 'avg_pool2d:', 'divisorOverride 0');
    expectError(() => avgPool2d(x4, { kernelSize: 2, stride: [1, 0] }), ValueError, 'avg_pool2d:', 'stride (1,0)');
    expectError(() => adaptiveAvgPool2d(x4, { outputSize: [0, 2] }), ValueError, 'adaptive_avg_pool2d:', 'outputSize (0,2)');
    expectError(() => adaptiveAvgPool2d(rn([1, 1, 0, 3], 1), { outputSize: 2 }), ShapeError, 'adaptive_avg_pool2d:', 'x (1,1,0,3)');
  });

  test('upsample', () => {
    expectError(() => upsample(x4, {}), ValueError, 'upsample:', 'exactly one of size and scaleFactor');
    expectError(() => upsample(x4, { size: [2, 2], scaleFactor: 2 }), ValueError, 'upsample:', 'exactly one');
    expectError(() => upsample(x4, { scaleFactor: 2, alignCorners: true }), ValueError, 'upsample:', 'alignCorners', "'bilinear'");
    expectError(() => upsample(x4, { scaleFactor: 2, mode: 'bicubic' as never }), ValueError, 'upsample:', "mode 'bicubic'");
    expectError(() => upsample(x4, { scaleFactor: 0.1 }), ShapeError, 'upsample:', 'x (1,4,5,5)', 'empty output (0,0)');
    expectError(() => upsample(x4, { scaleFactor: -1 }), ValueError, 'upsample:', 'scaleFactor -1');
  });
});
