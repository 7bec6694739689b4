// Layout movement ops: permute, transpose, squeeze, unsqueeze, slice, slice_scatter, pad, flip,
// tril, triu. Forward values are derived by hand in the comments (x = arange reshaped, so every
// value is its own row-major index); PyTorch edge cases, every dtype, differentiable VJPs and
// typed errors follow.
import { describe, expect, test } from 'vitest';
import {
  AxisError, DTypeError, ShapeError, ValueError, add, arange, flip, fromArray, grad, gradients, mul, pad, permute,
  reshape, slice, sliceScatter, squeeze, sum, tensor, transpose, tril, triu, unsqueeze, zeros, type Tensor,
} from '../../engine/index.js';
import { expectError } from '../harness/expect.js';

const f64 = (data: Parameters<typeof tensor>[0]): Tensor => tensor(data, { dtype: 'float64' });
/** 0, 1, 2, ... in `shape` (float64): each value equals its row-major index. */
const iota = (shape: number[]): Tensor => reshape(arange(0, shape.reduce((a, b) => a * b, 1), 1, { dtype: 'float64' }), shape);
const flat = (t: Tensor): number[] => Array.from(t.dataSync());

/**
 * For a linear op f, VJP(v) = Jᵀv, so d<VJP(v), w>/dv = J w = f(w). Differentiating the VJP
 * (built with createGraph) with respect to the cotangent must reproduce the forward op: this
 * checks that the VJP is written with differentiable ops and is the true adjoint.
 */
function doubleVjp(f: (x: Tensor) => Tensor, xShape: number[], w: Tensor): Tensor {
  const x = zeros(xShape, { dtype: 'float64' }).requireGrad();
  const y = f(x);
  const v = zeros(y.shape, { dtype: 'float64' }).requireGrad();
  const [g] = gradients([y], [v], [x], { createGraph: true });
  const [jw] = gradients([g!], [w], [v]);
  return jw!;
}

describe('permute', () => {
  test('out[k, i, j] = x[i, j, k] for dims (2, 0, 1), with negative dims too', () => {
    // x (2,3,4) holds 12i + 4j + k at [i, j, k]; the output (4,2,3) holds it at [k, i, j].
    const x = iota([2, 3, 4]);
    for (const dims of [[2, 0, 1], [-1, 0, -2]]) {
      const y = permute(x, dims);
      expect(y.shape).toEqual([4, 2, 3]);
      const out = y.toArray() as number[][][];
      for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 4; k++) expect(out[k]![i]![j]).toBe(12 * i + 4 * j + k);
    }
  });

  test('works on every dtype, zero-size dims and scalars', () => {
    const b = tensor([[true, false, false]], { dtype: 'bool' });
    expect(permute(b, [1, 0]).toArray()).toEqual([[1], [0], [0]]);
    expect(permute(tensor([[1, 2]], { dtype: 'int32' }), [1, 0]).dtype).toBe('int32');
    expect(permute(zeros([2, 0, 3]), [2, 1, 0]).shape).toEqual([3, 0, 2]);
    expect(permute(tensor(5), []).item()).toBe(5);
  });

  test('the gradient is dOut permuted back', () => {
    // f(x) = sum(permute(x) * w): df/dx[i, j] = w[j, i].
    const g = grad((x) => sum(mul(permute(x, [1, 0]), f64([[1, 2], [3, 4], [5, 6]]))))(f64([[0, 0, 0], [0, 0, 0]]));
    expect(g.toArray()).toEqual([[1, 3, 5], [2, 4, 6]]);
  });

  test('errors name the op, the dims and the shape', () => {
    const x = zeros([2, 3, 4]);
    expectError(() => permute(x, [0, 0, 1]), AxisError, 'permute:', 'dims (0,0,1)', '(2,3,4)', 'not a permutation');
    expectError(() => permute(x, [0, 1]), AxisError, 'permute:', 'dims (0,1)', 'x (2,3,4) has rank 3');
    expectError(() => permute(x, [0, 1, 3]), AxisError, 'permute:', 'dims entry 3', '[-3, 3)', '(2,3,4)');
  });
});

describe('transpose', () => {
  test('swaps two dims: [[1,2,3],[4,5,6]] -> [[1,4],[2,5],[3,6]]', () => {
    const x = f64([[1, 2, 3], [4, 5, 6]]);
    expect(transpose(x, 0, 1).toArray()).toEqual([[1, 4], [2, 5], [3, 6]]);
    expect(transpose(x, -1, -2).toArray()).toEqual([[1, 4], [2, 5], [3, 6]]);
    expect(transpose(x, 1, 1).toArray()).toEqual(x.toArray());
  });

  test('swaps the outer dims of a 3-d tensor: out[k, j, i] = x[i, j, k]', () => {
    const y = transpose(iota([2, 3, 4]), 0, -1);
    expect(y.shape).toEqual([4, 3, 2]);
    const out = y.toArray() as number[][][];
    expect(out[3]![2]![1]).toBe(12 * 1 + 4 * 2 + 3);
    expect(out[1]![0]![1]).toBe(12 + 1);
  });

  test('a scalar accepts dims 0/-1 like torch, and bool/int32 pass through', () => {
    expect(transpose(tensor(2), 0, -1).shape).toEqual([]);
    expect(transpose(tensor([[true, false]], { dtype: 'bool' }), 0, 1).toArray()).toEqual([[1], [0]]);
  });

  test('errors name the op, the dim and the shape', () => {
    expectError(() => transpose(zeros([2, 3]), 0, 2), AxisError, 'transpose:', 'dim1 2', '[-2, 2)', '(2,3)');
    expectError(() => transpose(zeros([2, 3]), -3, 0), AxisError, 'transpose:', 'dim0 -3');
  });
});

describe('squeeze / unsqueeze', () => {
  test('squeeze drops all size-1 dims, or only the listed ones', () => {
    const x = iota([1, 3, 1, 2]);
    expect(squeeze(x).shape).toEqual([3, 2]);
    expect(squeeze(x, 0).shape).toEqual([3, 1, 2]);
    expect(squeeze(x, [-2, 0]).shape).toEqual([3, 2]);
    expect(flat(squeeze(x))).toEqual([0, 1, 2, 3, 4, 5]);
  });

  test('squeeze keeps a listed dim whose size is not 1 (torch 2.x), and squeezes scalars', () => {
    expect(squeeze(zeros([1, 3, 1]), [0, 1]).shape).toEqual([3, 1]);
    expect(squeeze(zeros([2, 3]), 1).shape).toEqual([2, 3]);
    expect(squeeze(tensor(7), 0).item()).toBe(7);
    expect(squeeze(zeros([1, 0, 1])).shape).toEqual([0]);
  });

  test('unsqueeze inserts a size-1 dim at any position in [-rank-1, rank]', () => {
    const x = zeros([2, 3]);
    expect(unsqueeze(x, 0).shape).toEqual([1, 2, 3]);
    expect(unsqueeze(x, 2).shape).toEqual([2, 3, 1]);
    expect(unsqueeze(x, -1).shape).toEqual([2, 3, 1]);
    expect(unsqueeze(x, -3).shape).toEqual([1, 2, 3]);
    expect(unsqueeze(tensor(4), 0).toArray()).toEqual([4]);
    expect(unsqueeze(tensor([1, 2], { dtype: 'int32' }), 1).toArray()).toEqual([[1], [2]]);
  });

  test('gradients are reshapes of dOut', () => {
    // f(x) = sum(squeeze(x) * w): df/dx has x's shape and w's values.
    const g = grad((x) => sum(mul(squeeze(x), f64([1, 2, 3]))))(zeros([1, 3, 1], { dtype: 'float64' }));
    expect(g.toArray()).toEqual([[[1], [2], [3]]]);
    const h = grad((x) => sum(mul(unsqueeze(x, 0), f64([[4, 5]]))))(zeros([2], { dtype: 'float64' }));
    expect(h.toArray()).toEqual([4, 5]);
  });

  test('errors name the op, the axis and the shape', () => {
    expectError(() => squeeze(zeros([1, 3]), 2), AxisError, 'squeeze:', 'axes 2', '[-2, 2)', '(1,3)');
    expectError(() => squeeze(zeros([1, 1]), [0, -2]), AxisError, 'squeeze:', 'repeats axis 0', '(1,1)');
    expectError(() => unsqueeze(zeros([2, 3]), 3), AxisError, 'unsqueeze:', 'axis 3', '[-3, 3)', '(2,3)');
    expectError(() => unsqueeze(zeros([2, 3]), -4), AxisError, 'unsqueeze:', 'axis -4');
  });
});

describe('slice', () => {
  const x = arange(0, 10, 1, { dtype: 'float64' });

  test('x[start:end:step] with Python semantics', () => {
    expect(flat(slice(x, { starts: [2], ends: [8], steps: [3] }))).toEqual([2, 5]); // 2, 5 (8 excluded)
    expect(flat(slice(x, { starts: [-3], ends: [100] }))).toEqual([7, 8, 9]); // -3 -> 7, 100 clamps to 10
    expect(flat(slice(x, { starts: [-100], ends: [2] }))).toEqual([0, 1]); // -100 + 10 < 0 clamps to 0
    expect(flat(slice(x, { starts: [1], ends: [-1], steps: [4] }))).toEqual([1, 5]); // [1, 9) step 4
    expect(flat(slice(x, { starts: [0], ends: [Infinity], steps: [4] }))).toEqual([0, 4, 8]);
    expect(slice(x, { starts: [6], ends: [3] }).shape).toEqual([0]); // start past end: empty
  });

  test('listed axes (negative, any order) and default leading axes on a 2-d tensor', () => {
    // x (3,4) holds 4i + j. x[:, 1::2] -> columns 1 and 3; x[1:, ::3] -> rows 1-2, columns 0 and 3.
    const m = iota([3, 4]);
    expect(slice(m, { axes: [-1], starts: [1], ends: [4], steps: [2] }).toArray()).toEqual([[1, 3], [5, 7], [9, 11]]);
    expect(slice(m, { starts: [1, 0], ends: [3, 4], steps: [1, 3] }).toArray()).toEqual([[4, 7], [8, 11]]);
    expect(slice(m, { axes: [1, 0], starts: [0, 2], ends: [4, 3], steps: [3, 1] }).toArray()).toEqual([[8, 11]]);
    expect(slice(m, { starts: [1], ends: [2] }).toArray()).toEqual([[4, 5, 6, 7]]);
  });

  test('keeps int32 and bool values and handles zero-size dims', () => {
    expect(slice(tensor([3, 4, 5], { dtype: 'int32' }), { starts: [1], ends: [3] }).toArray()).toEqual([4, 5]);
    expect(slice(tensor([true, false, true], { dtype: 'bool' }), { starts: [0], ends: [3], steps: [2] }).toArray()).toEqual([1, 1]);
    expect(slice(zeros([0, 3]), { axes: [1], starts: [1], ends: [3] }).shape).toEqual([0, 2]);
  });

  test('the gradient scatters dOut into zeros at the sliced positions', () => {
    // f(x) = sum(x[1:8:3] * w) with w = (10, 20, 30): df/dx = 10 at 1, 20 at 4, 30 at 7.
    const g = grad((t) => sum(mul(slice(t, { starts: [1], ends: [8], steps: [3] }), f64([10, 20, 30]))))(x);
    expect(flat(g)).toEqual([0, 10, 0, 0, 20, 0, 0, 30, 0, 0]);
  });

  test('errors name the op, the argument and the shape', () => {
    expectError(() => slice(x, { starts: [5], ends: [1], steps: [-1] }), ValueError, 'slice:', 'steps (-1)', 'flip');
    expectError(() => slice(x, { starts: [0], ends: [1], steps: [0] }), ValueError, 'slice:', 'steps (0)', 'not a positive integer');
    expectError(() => slice(x, { starts: [0, 1], ends: [1] }), ValueError, 'slice:', 'starts (0,1)', 'ends (1)', 'same length');
    expectError(() => slice(x, { starts: [0, 0], ends: [1, 1] }), AxisError, 'slice:', 'starts (0,0)', 'x (10) has rank 1');
    expectError(() => slice(zeros([2, 3]), { axes: [1, -1], starts: [0, 0], ends: [1, 1] }), AxisError, 'slice:', 'axes (1,-1)', 'repeats axis 1', '(2,3)');
    expectError(() => slice(zeros([2, 3]), { axes: [2], starts: [0], ends: [1] }), AxisError, 'slice:', 'axes entry 2', '[-2, 2)', '(2,3)');
    expectError(() => slice(x, { starts: [0.5], ends: [1] }), ValueError, 'slice:', 'starts (0.5)', 'not an integer');
  });
});

describe('slice_scatter', () => {
  test('replaces the slice region of x by src and leaves the rest', () => {
    // Columns 0 and 2 of zeros (2,4) (x[:, 0::2]) become src's columns.
    const y = sliceScatter(zeros([2, 4], { dtype: 'float64' }), f64([[1, 2], [3, 4]]), { axes: [1], starts: [0], ends: [4], steps: [2] });
    expect(y.toArray()).toEqual([[1, 0, 2, 0], [3, 0, 4, 0]]);
    // x (3,3) = 0..8 with x[1:, 1:] replaced by -1.
    const z = sliceScatter(iota([3, 3]), f64([[-1, -1], [-1, -1]]), { starts: [1, 1], ends: [3, 3] });
    expect(flat(z)).toEqual([0, 1, 2, 3, -1, -1, 6, -1, -1]);
  });

  test('int32 works and an empty slice leaves x unchanged', () => {
    const x = tensor([1, 2, 3], { dtype: 'int32' });
    expect(sliceScatter(x, tensor([9], { dtype: 'int32' }), { starts: [-1], ends: [3] }).toArray()).toEqual([1, 2, 9]);
    expect(sliceScatter(x, zeros([0], { dtype: 'int32' }), { starts: [2], ends: [1] }).toArray()).toEqual([1, 2, 3]);
  });

  test('gradients: dx is dOut with the slice zeroed, dsrc is the slice of dOut', () => {
    // f(x, s) = sum(slice_scatter(x, s, [1:3]) * w), w = (1, 2, 3, 4).
    const w = f64([1, 2, 3, 4]);
    const f = (x: Tensor, s: Tensor) => sum(mul(sliceScatter(x, s, { starts: [1], ends: [3] }), w));
    expect(flat(grad(f, 0)(zeros([4], { dtype: 'float64' }), zeros([2], { dtype: 'float64' })))).toEqual([1, 0, 0, 4]);
    expect(flat(grad(f, 1)(zeros([4], { dtype: 'float64' }), zeros([2], { dtype: 'float64' })))).toEqual([2, 3]);
  });

  test('errors name the op, src, the slice and x', () => {
    const x = zeros([2, 4]);
    const attrs = { axes: [1], starts: [0], ends: [4], steps: [2] };
    expectError(() => sliceScatter(x, zeros([2, 3]), attrs), ShapeError, 'slice_scatter:', 'src (2,3)', 'slice (2,2)', 'x (2,4)');
    expectError(() => sliceScatter(x, zeros([2, 2], { dtype: 'int32' }), attrs), DTypeError, 'slice_scatter:', 'src (2,2)', 'int32', 'float32');
    expectError(() => sliceScatter(x, zeros([2, 2]), { ...attrs, steps: [-2] }), ValueError, 'slice_scatter:', 'steps (-2)');
  });
});

describe('pad', () => {
  test('constant: torch order (last dim first), default value 0, custom value', () => {
    const x = f64([1, 2, 3]);
    expect(flat(pad(x, [1, 2]))).toEqual([0, 1, 2, 3, 0, 0]);
    expect(flat(pad(x, [0, 1], { value: -1 }))).toEqual([1, 2, 3, -1]);
    // (1,2) padded by (1, 0) on the last dim and (0, 1) on the first: a zero column on the left,
    // then a row of 9s at the bottom.
    expect(pad(f64([[1, 2]]), [1, 0, 0, 1], { value: 9 }).toArray()).toEqual([[9, 1, 2], [9, 9, 9]]);
    expect(pad(x, []).toArray()).toEqual([1, 2, 3]);
  });

  test('negative pads crop (torch allows it in constant mode)', () => {
    expect(flat(pad(f64([1, 2, 3]), [-1, 1]))).toEqual([2, 3, 0]);
    expect(flat(pad(f64([1, 2, 3]), [-1, -2]))).toEqual([]);
    expect(flat(pad(f64([1, 2, 3]), [2, -3]))).toEqual([0, 0]);
  });

  test('reflect mirrors around the edge element without repeating it', () => {
    // [1,2,3,4] by (2,3): left x[2], x[1]; right x[2], x[1], x[0].
    expect(flat(pad(f64([1, 2, 3, 4]), [2, 3], { mode: 'reflect' }))).toEqual([3, 2, 1, 2, 3, 4, 3, 2, 1]);
    // torch's ReflectionPad2d(2) example on arange(9).view(3,3).
    expect(pad(iota([3, 3]), [2, 2, 2, 2], { mode: 'reflect' }).toArray()).toEqual([
      [8, 7, 6, 7, 8, 7, 6], [5, 4, 3, 4, 5, 4, 3], [2, 1, 0, 1, 2, 1, 0], [5, 4, 3, 4, 5, 4, 3],
      [8, 7, 6, 7, 8, 7, 6], [5, 4, 3, 4, 5, 4, 3], [2, 1, 0, 1, 2, 1, 0],
    ]);
    // Negative reflect pads crop: out[j] = x[m(j + 1)], m(4) = 2, m(5) = 1 -> [2,3,4,3,2].
    expect(flat(pad(f64([1, 2, 3, 4]), [-1, 2], { mode: 'reflect' }))).toEqual([2, 3, 4, 3, 2]);
  });

  test('int32 and bool inputs, the value converted to the dtype', () => {
    expect(pad(tensor([1, 2], { dtype: 'int32' }), [1, 0], { value: 7 }).toArray()).toEqual([7, 1, 2]);
    expect(pad(tensor([false], { dtype: 'bool' }), [0, 1], { value: 1 }).toArray()).toEqual([0, 1]);
    expect(pad(tensor([3, 4], { dtype: 'int32' }), [1, 1], { mode: 'reflect' }).toArray()).toEqual([4, 3, 4, 3]);
    // torch accepts value=0 with reflect (it is the default) and rejects any other value.
    expect(pad(tensor([3, 4], { dtype: 'int32' }), [1, 0], { mode: 'reflect', value: 0 }).toArray()).toEqual([4, 3, 4]);
  });

  test('gradients: constant crops dOut back; reflect adds the mirrored borders', () => {
    // Constant: f(x) = sum(pad(x, (1, 1)) * w) with w = (1..5) -> df/dx = w[1:4] = (2, 3, 4).
    const gc = grad((x) => sum(mul(pad(x, [1, 1]), f64([1, 2, 3, 4, 5]))))(zeros([3], { dtype: 'float64' }));
    expect(flat(gc)).toEqual([2, 3, 4]);
    // Reflect (2, 3) of 4 elements reads x[2,1,0,1,2,3,2,1,0]: the counts per element are 2,3,3,1.
    const gr = grad((x) => sum(pad(x, [2, 3], { mode: 'reflect' })))(zeros([4], { dtype: 'float64' }));
    expect(flat(gr)).toEqual([2, 3, 3, 1]);
  });

  test('errors name the op, the pads and the shape', () => {
    const x = zeros([3, 2]);
    expectError(() => pad(x, [1]), ValueError, 'pad:', 'pads (1)', 'even length', 'x (3,2)');
    expectError(() => pad(x, [1, 1, 1, 1, 1, 1]), ValueError, 'pad:', 'pads (1,1,1,1,1,1)', 'at most 2·rank = 4');
    expectError(() => pad(x, [2, 0], { mode: 'reflect' }), ValueError, 'pad:', 'reflect pads (2, 0)', 'dimension -1', 'x (3,2)', 'smaller than its size 2');
    expectError(() => pad(x, [0, 0, -2, -2]), ValueError, 'pad:', 'pads (0,0,-2,-2)', 'dimension -2', 'x (3,2)', 'only 3 elements');
    expectError(() => pad(x, [1, 1], { mode: 'reflect', value: 1 }), ValueError, 'pad:', "mode 'reflect' does not take a value");
    expectError(() => pad(x, [1, 1], { mode: 'edge' as never }), ValueError, 'pad:', "mode 'edge'");
    expectError(() => pad(x, [0.5, 1]), ValueError, 'pad:', 'pads (0.5,1)', 'not an integer');
  });
});

describe('flip', () => {
  test('reverses the listed axes', () => {
    const x = f64([[1, 2], [3, 4]]);
    expect(flip(x, [0]).toArray()).toEqual([[3, 4], [1, 2]]);
    expect(flip(x, [-1]).toArray()).toEqual([[2, 1], [4, 3]]);
    expect(flip(x, [0, 1]).toArray()).toEqual([[4, 3], [2, 1]]);
    expect(flip(x, []).toArray()).toEqual([[1, 2], [3, 4]]);
  });

  test('out[i, j, k] = x[1 - i, j, 3 - k] for axes (0, 2) of a (2,3,4) tensor', () => {
    const out = flip(iota([2, 3, 4]), [0, -1]).toArray() as number[][][];
    for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 4; k++) expect(out[i]![j]![k]).toBe(12 * (1 - i) + 4 * j + (3 - k));
  });

  test('bool, int32, zero-size and scalar inputs', () => {
    expect(flip(tensor([true, false, false], { dtype: 'bool' }), [0]).toArray()).toEqual([0, 0, 1]);
    expect(flip(tensor([1, 2, 3], { dtype: 'int32' }), [0]).toArray()).toEqual([3, 2, 1]);
    expect(flip(zeros([0, 2]), [0, 1]).shape).toEqual([0, 2]);
    expect(flip(tensor(3), [0]).item()).toBe(3);
  });

  test('errors name the op, the axes and the shape', () => {
    expectError(() => flip(zeros([2, 3]), [0, -2]), AxisError, 'flip:', 'axes (0,-2)', 'repeats axis 0', '(2,3)');
    expectError(() => flip(zeros([2, 3]), [2]), AxisError, 'flip:', 'axes 2', '[-2, 2)', '(2,3)');
  });
});

describe('tril / triu', () => {
  // m = [[1,2,3],[4,5,6],[7,8,9]]; entry (i, j) lies on diagonal j - i.
  const m = f64([[1, 2, 3], [4, 5, 6], [7, 8, 9]]);

  test('tril keeps j - i <= k', () => {
    expect(tril(m).toArray()).toEqual([[1, 0, 0], [4, 5, 0], [7, 8, 9]]);
    expect(tril(m, 1).toArray()).toEqual([[1, 2, 0], [4, 5, 6], [7, 8, 9]]);
    expect(tril(m, -1).toArray()).toEqual([[0, 0, 0], [4, 0, 0], [7, 8, 0]]);
    expect(tril(m, -3).toArray()).toEqual([[0, 0, 0], [0, 0, 0], [0, 0, 0]]);
  });

  test('triu keeps j - i >= k', () => {
    expect(triu(m).toArray()).toEqual([[1, 2, 3], [0, 5, 6], [0, 0, 9]]);
    expect(triu(m, 2).toArray()).toEqual([[0, 0, 3], [0, 0, 0], [0, 0, 0]]);
    expect(triu(m, -1).toArray()).toEqual([[1, 2, 3], [4, 5, 6], [0, 8, 9]]);
  });

  test('tril(x, k) + triu(x, k + 1) = x on batched non-square matrices', () => {
    const x = iota([2, 3, 4]);
    for (const k of [-2, 0, 1, 3]) expect(flat(add(tril(x, k), triu(x, k + 1)))).toEqual(flat(x));
    // Batch 1, row 2 of a (3,4) block with k = 1 keeps columns j <= 3: all of 20..23.
    expect((tril(x, 1).toArray() as number[][][])[1]![2]).toEqual([20, 21, 22, 23]);
  });

  test('bool and int32 keep their dtype; masked entries become false / 0', () => {
    const b = tensor([[true, true], [true, true]], { dtype: 'bool' });
    expect(triu(b, 1).toArray()).toEqual([[0, 1], [0, 0]]);
    expect(tril(tensor([[1, 2], [3, 4]], { dtype: 'int32' })).dtype).toBe('int32');
    expect(tril(zeros([0, 3])).shape).toEqual([0, 3]);
  });

  test('the gradient is the same mask applied to dOut', () => {
    const g = grad((x) => sum(mul(triu(x), f64([[1, 2], [3, 4]]))))(zeros([2, 2], { dtype: 'float64' }));
    expect(g.toArray()).toEqual([[1, 2], [0, 4]]);
  });

  test('errors: rank below 2 and a non-integer k', () => {
    expectError(() => tril(zeros([3])), ShapeError, 'tril:', 'x (3)', 'at least 2 dimensions');
    expectError(() => triu(tensor(1)), ShapeError, 'triu:', 'x ()', 'at least 2 dimensions');
    expectError(() => triu(zeros([2, 2]), 0.5), ValueError, 'triu:', 'k 0.5', 'not an integer');
  });
});

describe('VJPs are differentiable adjoints: grad of <VJP(v), w> w.r.t. v is f(w)', () => {
  const cases: [string, (x: Tensor) => Tensor, number[]][] = [
    ['permute', (x) => permute(x, [2, 0, 1]), [2, 3, 4]],
    ['transpose', (x) => transpose(x, 0, -1), [2, 3, 4]],
    ['squeeze', (x) => squeeze(x), [1, 3, 1]],
    ['unsqueeze', (x) => unsqueeze(x, 1), [2, 3]],
    ['slice', (x) => slice(x, { axes: [-1, 0], starts: [-4, 1], ends: [10, 2], steps: [2, 1] }), [2, 5]],
    ['slice_scatter', (x) => sliceScatter(x, zeros([2, 1], { dtype: 'float64' }), { axes: [1], starts: [1], ends: [2] }), [2, 3]],
    ['pad constant', (x) => pad(x, [2, -1, -1, 1], { value: 3 }), [2, 3]],
    ['pad reflect', (x) => pad(x, [2, -1, -1, 2], { mode: 'reflect' }), [3, 4]],
    ['flip', (x) => flip(x, [0, -1]), [2, 3]],
    ['tril', (x) => tril(x, 1), [3, 4]],
    ['triu', (x) => triu(x, -1), [3, 4]],
  ];
  test.each(cases)('%s', (_name, f, shape) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const w = fromArray(Float64Array.from({ length: n }, (_, i) => ((i * 7) % 5) - 2 + i / 10), shape, 'float64');
    // pad's constant fill is affine, not linear: compare against f(w) - f(0).
    const want = flat(f(w)).map((v, i) => v - flat(f(zeros(shape, { dtype: 'float64' })))[i]!);
    expect(flat(doubleVjp(f, shape, w))).toEqual(want);
  });
});
