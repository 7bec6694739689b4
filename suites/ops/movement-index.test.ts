// Joining and indexing ops: concat, stack, split, gather, index_select, scatter_add, one_hot.
// Forward values are derived by hand (or from torch's documented examples, re-derived in the
// comments); gradient identities, PyTorch edge cases and typed errors follow.
import { describe, expect, test } from 'vitest';
import {
  AxisError, DTypeError, ShapeError, ValueError, ZooError, arange, concat, gather, grad, indexSelect, mul, oneHot, reshape,
  scatterAdd, split, stack, sum, tensor, valueAndGrad, zeros, type Tensor,
} from '../../engine/index.js';
import { expectError } from '../harness/expect.js';

const f64 = (data: Parameters<typeof tensor>[0]): Tensor => tensor(data, { dtype: 'float64' });
const i32 = (data: Parameters<typeof tensor>[0]): Tensor => tensor(data, { dtype: 'int32' });

describe('concat', () => {
  test('joins along axis 0 by default and along any (negative) axis', () => {
    const a = f64([[1, 2], [3, 4]]);
    // (2,2) ++ (1,2) along 0: the rows of b follow the rows of a.
    expect(concat([a, f64([[5, 6]])]).toArray()).toEqual([[1, 2], [3, 4], [5, 6]]);
    // (2,2) ++ (2,1) along -1 (= 1): each row of a gets the matching row of b appended.
    expect(concat([a, f64([[7], [8]])], { axis: -1 }).toArray()).toEqual([[1, 2, 7], [3, 4, 8]]);
  });

  test('promotes dtypes together and accepts zero-size pieces', () => {
    const y = concat([i32([1, 2]), tensor([0.5], { dtype: 'float32' })]);
    expect(y.dtype).toBe('float32');
    expect(Array.from(y.dataSync())).toEqual([1, 2, 0.5]);
    const b = f64([[1, 2, 3], [4, 5, 6]]);
    const c = concat([zeros([2, 0], { dtype: 'float64' }), b], { axis: 1 });
    expect(c.shape).toEqual([2, 3]);
    expect(c.toArray()).toEqual(b.toArray());
  });

  test('the gradient of each input is its block of dOut', () => {
    // f(x) = sum(concat([x, y]) * w): df/dx = w[0:2], the first block along axis 0.
    const y = f64([[5, 6]]);
    const w = f64([[1, 2], [3, 4], [5, 6]]);
    const g = grad((x) => sum(mul(concat([x, y]), w)))(f64([[0, 0], [0, 0]]));
    expect(g.toArray()).toEqual([[1, 2], [3, 4]]);
  });

  test('errors name the op, the offending input and the shapes', () => {
    expectError(() => concat([f64([[1, 2]]), f64([[[1, 2]]])]), ShapeError, 'concat:', 'tensors[1] (1,1,2)', 'tensors[0] (1,2)', 'rank');
    expectError(
      () => concat([zeros([3, 5]), zeros([1, 5]), zeros([2, 4])]),
      ShapeError, 'concat:', 'tensors[2] (2,4)', 'tensors[0] (3,5)', 'dimension 1',
    );
    expectError(() => concat([f64(1), f64(2)]), ShapeError, 'concat:', 'tensors[0] ()', '0-dimensional');
    expectError(() => concat([zeros([2, 3])], { axis: 2 }), AxisError, 'concat:', 'axis 2', '(2,3)');
    expectError(() => concat([]), ZooError, 'concat:');
  });
});

describe('stack', () => {
  test('inserts a new axis of size n at the given position', () => {
    const a = f64([1, 2]), b = f64([3, 4]);
    // axis 0: rows are the inputs; axis -1 (= 1): column j holds input j, so out[i] = [a[i], b[i]].
    expect(stack([a, b]).toArray()).toEqual([[1, 2], [3, 4]]);
    expect(stack([a, b], { axis: -1 }).toArray()).toEqual([[1, 3], [2, 4]]);
    expect(stack([a, b, a], { axis: 1 }).shape).toEqual([2, 3]);
    // 0-d inputs stack into a vector.
    expect(stack([f64(7), f64(8)]).toArray()).toEqual([7, 8]);
  });

  test('equals concat of the inputs reshaped with a size-1 axis', () => {
    const xs = [arange(6, undefined, 1, { dtype: 'float64' }), arange(6, 12, 1, { dtype: 'float64' })].map((t) => reshape(t, [2, 3]));
    const viaConcat = concat(xs.map((t) => reshape(t, [2, 1, 3])), { axis: 1 });
    expect(stack(xs, { axis: 1 }).toArray()).toEqual(viaConcat.toArray());
  });

  test('the gradient of input i is slice i of dOut along the new axis', () => {
    // f(x) = sum(stack([y, x], axis 1) * w): df/dx[i] = w[i][1].
    const w = f64([[1, 2], [3, 4], [5, 6]]);
    const g = grad((x) => sum(mul(stack([f64([0, 0, 0]), x], { axis: 1 }), w)))(f64([0, 0, 0]));
    expect(g.toArray()).toEqual([2, 4, 6]);
  });

  test('errors name the op, the offending input and the shapes', () => {
    expectError(() => stack([zeros([2, 3]), zeros([2, 4])]), ShapeError, 'stack:', 'tensors[1] (2,4)', 'tensors[0] (2,3)');
    // For rank 2 the new axis lies in [-3, 2].
    expectError(() => stack([zeros([2, 3])], { axis: 3 }), AxisError, 'stack:', 'axis 3', '[-3, 2]', '(2,3)');
    expect(stack([zeros([2, 3])], { axis: -3 }).shape).toEqual([1, 2, 3]);
  });
});

describe('split', () => {
  const x = arange(5, undefined, 1, { dtype: 'float64' });

  test('an int gives pieces of that size, the last one smaller', () => {
    // 5 = 2 + 2 + 1.
    expect(split(x, { sizes: 2 }).map((t) => t.toArray())).toEqual([[0, 1], [2, 3], [4]]);
    // A size larger than the dimension gives one piece.
    expect(split(x, { sizes: 7 }).map((t) => t.toArray())).toEqual([[0, 1, 2, 3, 4]]);
  });

  test('a list gives pieces of those sizes (empty ones included) along any axis', () => {
    expect(split(x, { sizes: [1, 0, 4] }).map((t) => t.toArray())).toEqual([[0], [], [1, 2, 3, 4]]);
    const m = f64([[1, 2, 3], [4, 5, 6]]);
    expect(split(m, { sizes: [1, 2], axis: -1 }).map((t) => t.toArray())).toEqual([[[1], [4]], [[2, 3], [5, 6]]]);
  });

  test('an empty dimension gives one empty piece, as in torch', () => {
    const pieces = split(zeros([0, 3]), { sizes: 2 });
    expect(pieces.map((t) => t.shape)).toEqual([[0, 3]]);
  });

  test('concat undoes split, and pieces without gradient contribute zeros', () => {
    const m = reshape(arange(12, undefined, 1, { dtype: 'float64' }), [3, 4]);
    expect(concat(split(m, { sizes: [3, 1], axis: 1 }), { axis: 1 }).toArray()).toEqual(m.toArray());
    // f(x) = sum(first piece * 2): gradient 2 on the first two rows, 0 on the last.
    const g = grad((t) => sum(mul(split(t, { sizes: 2 })[0]!, 2)))(m);
    expect(g.toArray()).toEqual([[2, 2, 2, 2], [2, 2, 2, 2], [0, 0, 0, 0]]);
  });

  test('errors name the op, the sizes and the shape', () => {
    expectError(() => split(zeros([2, 5]), { sizes: [1, 2], axis: 1 }), ShapeError, 'split:', '[1,2]', 'add up to 3', 'x (2,5)', 'size 5');
    expectError(() => split(zeros([4]), { sizes: 0 }), ValueError, 'split:', 'sizes 0', 'x (4)');
    expectError(() => split(zeros([4]), { sizes: [5, -1] }), ValueError, 'split:', '-1');
    expectError(() => split(f64(3), { sizes: 1 }), AxisError, 'split:', 'x ()');
    expectError(() => split(zeros([4]), { sizes: 1, axis: 1 }), AxisError, 'split:', 'axis 1', '(4)');
  });
});

describe('gather', () => {
  test("torch's example: out[i][j] = x[i][index[i][j]] along axis 1", () => {
    // x = [[1,2],[3,4]], index = [[0,0],[1,0]]: row 0 picks x[0][0] twice, row 1 picks x[1][1], x[1][0].
    const out = gather(f64([[1, 2], [3, 4]]), i32([[0, 0], [1, 0]]), { axis: 1 });
    expect(out.toArray()).toEqual([[1, 1], [4, 3]]);
  });

  test('along axis 0 with an index smaller than x in the other dims', () => {
    // out[i][j] = x[index[i][j]][j] for j < 2 only: index (1,2) reads column 0 and 1 of x (3,3).
    const x = f64([[1, 2, 3], [4, 5, 6], [7, 8, 9]]);
    expect(gather(x, i32([[2, 0]]), { axis: 0 }).toArray()).toEqual([[7, 2]]);
    // The index may be longer than x along the axis (repeats).
    expect(gather(f64([1, 2]), i32([1, 1, 0, 1]), { axis: -1 }).toArray()).toEqual([2, 2, 1, 2]);
  });

  test('the gradient accumulates over repeated indices', () => {
    // out = [x0, x0, x2] so d sum(out) / dx = [2, 0, 1].
    const g = grad((x) => sum(gather(x, i32([0, 0, 2]), { axis: 0 })))(f64([5, 6, 7]));
    expect(g.toArray()).toEqual([2, 0, 1]);
  });

  test('out-of-range and negative index values are a ValueError from the kernel', () => {
    expectError(() => gather(f64([1, 2, 3]), i32([3]), { axis: 0 }), ValueError, 'gather:', 'index value 3', '[0, 3)', 'x (3)');
    expectError(() => gather(f64([1, 2, 3]), i32([-1]), { axis: 0 }), ValueError, 'gather:', 'index value -1');
  });

  test('errors name the op, the argument and the shapes', () => {
    expectError(() => gather(zeros([2, 3]), i32([0]), { axis: 0 }), ShapeError, 'gather:', 'x (2,3)', 'index (1)', 'same rank');
    expectError(() => gather(zeros([2, 3]), i32([[0, 0, 0, 0]]), { axis: 0 }), ShapeError, 'gather:', 'x (2,3)', 'index (1,4)', 'dimension 1');
    expectError(() => gather(zeros([2, 3]), f64([[0]]), { axis: 0 }), DTypeError, 'gather:', 'index (1,1)', 'float64');
    expectError(() => gather(zeros([2, 3]), i32([[0]]), { axis: 2 }), AxisError, 'gather:', 'axis 2', '(2,3)');
  });
});

describe('index_select', () => {
  const x = f64([[1, 2], [3, 4], [5, 6]]);

  test('picks whole slices along the axis, in index order, repeats allowed', () => {
    expect(indexSelect(x, i32([2, 0]), { axis: 0 }).toArray()).toEqual([[5, 6], [1, 2]]);
    expect(indexSelect(x, i32([1, 1]), { axis: -1 }).toArray()).toEqual([[2, 2], [4, 4], [6, 6]]);
    // A 0-d index selects one slice and keeps the axis (size 1), as in torch.
    expect(indexSelect(x, i32(1), { axis: 0 }).toArray()).toEqual([[3, 4]]);
    expect(indexSelect(x, i32([]), { axis: 0 }).shape).toEqual([0, 2]);
  });

  test('equals gather with the index broadcast across the other axes', () => {
    // index_select(x, [2,0], axis 1) on a (2,3) x is gather with index [[2,0],[2,0]].
    const m = f64([[1, 2, 3], [4, 5, 6]]);
    expect(indexSelect(m, i32([2, 0]), { axis: 1 }).toArray()).toEqual(gather(m, i32([[2, 0], [2, 0]]), { axis: 1 }).toArray());
  });

  test('the gradient accumulates over repeated indices', () => {
    // Rows picked: 1, 1, 0; d sum(out) / dx counts how often each row was picked: [1, 2, 0].
    const g = grad((t) => sum(indexSelect(t, i32([1, 1, 0]), { axis: 0 })))(x);
    expect(g.toArray()).toEqual([[1, 1], [2, 2], [0, 0]]);
  });

  test('errors name the op, the argument and the shapes', () => {
    expectError(() => indexSelect(x, i32([[0]]), { axis: 0 }), ShapeError, 'index_select:', 'index (1,1)', 'x (3,2)');
    expectError(() => indexSelect(x, f64([0]), { axis: 0 }), DTypeError, 'index_select:', 'index (1)');
    expectError(() => indexSelect(x, i32([3]), { axis: 0 }), ValueError, 'index_select:', 'index value 3', '[0, 3)', 'x (3,2)');
    expectError(() => indexSelect(x, i32([0]), { axis: -3 }), AxisError, 'index_select:', 'axis -3', '(3,2)');
  });
});

describe('scatter_add', () => {
  test("torch's example: rows of src added at the rows index names, per column", () => {
    // index = [[0,1,2,0,0],[0,1,2,2,2]], src = ones(2,5), axis 0: column j receives 1 at row
    // index[0][j] and 1 at row index[1][j]. Columns 0-2 get 2 at rows 0, 1, 2; columns 3-4 get
    // 1 at row 0 and 1 at row 2.
    const out = scatterAdd(zeros([3, 5], { dtype: 'float64' }), i32([[0, 1, 2, 0, 0], [0, 1, 2, 2, 2]]), f64([[1, 1, 1, 1, 1], [1, 1, 1, 1, 1]]), { axis: 0 });
    expect(out.toArray()).toEqual([[2, 0, 0, 1, 1], [0, 2, 0, 0, 0], [0, 0, 2, 1, 1]]);
  });

  test('is out of place, accumulates repeats and ignores src beyond the index', () => {
    const x = f64([10, 20]);
    // All three src values land on position 1: 20 + 1 + 2 + 3 = 26. src[3] is outside index.
    expect(scatterAdd(x, i32([1, 1, 1]), f64([1, 2, 3, 100]), { axis: 0 }).toArray()).toEqual([10, 26]);
    expect(x.toArray()).toEqual([10, 20]);
    expect(scatterAdd(i32([1, 2]), i32([0]), i32([5]), { axis: 0 }).toArray()).toEqual([6, 2]);
  });

  test('is the adjoint of gather: <gather(y, idx), s> = <scatter_add(0, idx, s), y>', () => {
    const y = f64([[1, -2, 3], [4, 5, -6]]);
    const idx = i32([[2, 2], [0, 1]]);
    const s = f64([[0.5, -1], [2, 3]]);
    const lhs = sum(mul(gather(y, idx, { axis: 1 }), s)).item();
    const rhs = sum(mul(scatterAdd(zeros([2, 3], { dtype: 'float64' }), idx, s, { axis: 1 }), y)).item();
    // gather picks y[0][2], y[0][2], y[1][0], y[1][1] = 3, 3, 4, 5; <., s> = 1.5 - 3 + 8 + 15 = 21.5.
    expect(lhs).toBe(21.5);
    expect(rhs).toBe(21.5);
  });

  test('src gets the gathered dOut, zero where src is unused', () => {
    // out = x + scatter(src): d sum(out * w) / dsrc[i] = w[index[i]], and 0 for src[2] (unused).
    const w = f64([10, 20]);
    const g = grad((src) => sum(mul(scatterAdd(zeros([2], { dtype: 'float64' }), i32([1, 0]), src, { axis: 0 }), w)))(f64([1, 2, 3]));
    expect(g.toArray()).toEqual([20, 10, 0]);
  });

  test('errors name the op, the argument and the shapes', () => {
    const x = zeros([2, 3], { dtype: 'float64' });
    expectError(() => scatterAdd(x, i32([[0]]), zeros([1, 1]), { axis: 0 }), DTypeError, 'scatter_add:', 'src (1,1)', 'float32', 'x (2,3)', 'float64');
    expectError(() => scatterAdd(x, i32([0]), f64([1]), { axis: 0 }), ShapeError, 'scatter_add:', 'x (2,3)', 'index (1)', 'src (1)', 'same rank');
    expectError(() => scatterAdd(x, i32([[0, 0]]), f64([[1]]), { axis: 0 }), ShapeError, 'scatter_add:', 'index (1,2)', 'src (1,1)', 'exceeds src');
    expectError(() => scatterAdd(x, i32([[0, 0, 0, 0]]), f64([[1, 1, 1, 1]]), { axis: 0 }), ShapeError, 'scatter_add:', 'exceeds x size 3');
    expectError(() => scatterAdd(x, i32([[2]]), f64([[1]]), { axis: 0 }), ValueError, 'scatter_add:', 'index value 2', '[0, 2)', 'x (2,3)');
  });
});

describe('one_hot', () => {
  test('row i is the unit vector e_index[i]; float32 by default', () => {
    const y = oneHot(i32([0, 2, 1]), { numClasses: 3 });
    expect(y.dtype).toBe('float32');
    expect(y.toArray()).toEqual([[1, 0, 0], [0, 0, 1], [0, 1, 0]]);
    // Every row sums to 1.
    expect(sum(y, { axes: -1 }).toArray()).toEqual([1, 1, 1]);
  });

  test('appends a class axis to any shape and honours dtype', () => {
    expect(oneHot(i32(1), { numClasses: 2, dtype: 'int32' }).toArray()).toEqual([0, 1]);
    expect(oneHot(zeros([2, 0], { dtype: 'int32' }), { numClasses: 4 }).shape).toEqual([2, 0, 4]);
    expect(oneHot(i32([1]), { numClasses: 2, dtype: 'bool' }).dtype).toBe('bool');
  });

  test('has no gradient', () => {
    expect(oneHot(i32([0]), { numClasses: 2 }).requiresGrad).toBe(false);
  });

  test('errors name the op, the argument and the values', () => {
    expectError(() => oneHot(i32([0]), { numClasses: 0 }), ValueError, 'one_hot:', 'numClasses 0', 'index (1)');
    expectError(() => oneHot(i32([0]), { numClasses: -1 }), ValueError, 'one_hot:', 'numClasses -1');
    expectError(() => oneHot(f64([0]), { numClasses: 2 }), DTypeError, 'one_hot:', 'index (1)', 'float64');
    expectError(() => oneHot(i32([0, 3]), { numClasses: 3 }), ValueError, 'one_hot:', 'index value 3', '[0, 3)');
    expectError(() => oneHot(i32([-1]), { numClasses: 3 }), ValueError, 'one_hot:', 'index value -1');
  });
});

describe('second derivatives flow through the VJPs (they are written with ops)', () => {
  const cube = (t: Tensor): Tensor => mul(mul(t, t), t);
  /** d/dx sum(d/dz f(z) at z = x), i.e. the Hessian of f applied to a ones vector. */
  const hessOnes = (f: (z: Tensor) => Tensor, x: Tensor): number[] => {
    const h = grad((t) => sum(grad(f)(t)))(x);
    return Array.from(h.dataSync());
  };

  test('concat, stack and split', () => {
    // f = sum(concat([x, x])^3) = 2 sum x^3: f' = 6x^2, (sum f')' = 12x. The same for stack.
    expect(hessOnes((z) => sum(cube(concat([z, z]))), f64([1, 2]))).toEqual([12, 24]);
    expect(hessOnes((z) => sum(cube(stack([z, z], { axis: 1 }))), f64([1, 2]))).toEqual([12, 24]);
    // f = sum(p0^3) + sum(p2^3) with pieces [1, 2, 1] of x: 6x at positions 0 and 3, else 0.
    const f = (z: Tensor) => {
      const [p0, , p2] = split(z, { sizes: [1, 2, 1] });
      return sum(concat([cube(p0!), cube(p2!)]));
    };
    expect(hessOnes(f, f64([1, 2, 3, 4]))).toEqual([6, 0, 0, 24]);
  });

  test('gather, index_select and scatter_add', () => {
    // f = sum(gather(x, [0,0,2])^3) = 2 x0^3 + x2^3: (sum f')' = 6 * count * x = [12, 0, 18].
    expect(hessOnes((z) => sum(cube(gather(z, i32([0, 0, 2]), { axis: 0 }))), f64([1, 2, 3]))).toEqual([12, 0, 18]);
    // Rows picked 1, 1, 0: counts [1, 2, 0], so 6 * count * x = [6, 24, 0].
    expect(hessOnes((z) => sum(cube(indexSelect(z, i32([1, 1, 0]), { axis: 0 }))), f64([1, 2, 3]))).toEqual([6, 24, 0]);
    // out = [s2, s0 + s1]; f = sum(out^3); sum_i df/ds_i = 3 (2 out1^2 + out0^2), whose gradient
    // is [12 out1, 12 out1, 6 out0] = [36, 36, 18] at s = [1, 2, 3].
    const f = (s: Tensor) => sum(cube(scatterAdd(zeros([2], { dtype: 'float64' }), i32([1, 1, 0]), s, { axis: 0 })));
    expect(hessOnes(f, f64([1, 2, 3]))).toEqual([36, 36, 18]);
  });

  test('concat of mixed float dtypes gives each input a gradient of its own dtype', () => {
    // f = sum(concat([a, b])) promotes to float64; the float32 input still gets a float32 gradient.
    const [, [gx, gy]] = valueAndGrad((a, b) => sum(concat([a!, b!])), [0, 1])(tensor([1, 2], { dtype: 'float32' }), f64([3]));
    expect(gx!.dtype).toBe('float32');
    expect(gy!.dtype).toBe('float64');
    expect(Array.from(gx!.dataSync())).toEqual([1, 1]);
  });
});
