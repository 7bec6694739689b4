// Segment ops (graph networks: edges grouped by destination node): segment_sum, segment_mean,
// segment_max, segment_softmax. Values derived by hand, kernels against their decompositions,
// gradient identities, empty segments, the id range check and typed errors.
import { describe, expect, test } from 'vitest';
import {
  DTypeError, OPS, ShapeError, ValueError, grad, max, mul, rand, segmentMax, segmentMean, segmentSoftmax, segmentSum,
  softmax, sum, tensor, zeros, type Tensor,
} from '../../engine/index.js';
import { checkCase } from '../harness/gradcheck.js';
import { expectError, expectTensorsClose } from '../harness/expect.js';

const f64 = (data: Parameters<typeof tensor>[0]): Tensor => tensor(data, { dtype: 'float64' });
const i32 = (data: Parameters<typeof tensor>[0]): Tensor => tensor(data, { dtype: 'int32' });
const values = (t: Tensor): number[] => Array.from(t.dataSync());

// Four edges with unsorted ids into four segments; segments 1 and 3 receive no edge.
const data = f64([[1, 2], [3, 4], [5, -6], [7, 8]]);
const ids = i32([2, 0, 2, 0]);

describe('segment reductions', () => {
  test('hand-computed sums, means and maxima; empty segments are 0', () => {
    // segment 0 = edges 1, 3: (3+7, 4+8); segment 2 = edges 0, 2: (1+5, 2−6).
    expect(segmentSum(data, ids, 4).toArray()).toEqual([[10, 12], [0, 0], [6, -4], [0, 0]]);
    expect(segmentMean(data, ids, 4).toArray()).toEqual([[5, 6], [0, 0], [3, -2], [0, 0]]);
    // Elementwise maxima: max(3, 7) = 7, max(4, 8) = 8; max(1, 5) = 5, max(2, −6) = 2.
    expect(segmentMax(data, ids, 4).toArray()).toEqual([[7, 8], [0, 0], [5, 2], [0, 0]]);
    // A segment of negative values keeps its (negative) maximum; only empty segments are 0.
    expect(segmentMax(f64([-3, -1]), i32([1, 1]), 2).toArray()).toEqual([0, -1]);
  });

  test('int32 data is summed and maximized exactly; no edges give an all-zero result', () => {
    expect(segmentSum(i32([1, 2, 3]), i32([1, 1, 0]), 2).toArray()).toEqual([3, 3]);
    expect(segmentMax(i32([1, 5, 3]), i32([1, 1, 0]), 3).toArray()).toEqual([3, 5, 0]);
    const e = segmentSum(zeros([0, 3], { dtype: 'float64' }), i32([]), 2);
    expect(e.shape).toEqual([2, 3]);
    expect(values(e)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  test('the kernels match their decompositions (scatter_add, counts, dense max)', () => {
    const x = rand([7, 2, 3], { seed: 5, dtype: 'float64', low: -2, high: 2 });
    const seg = i32([4, 0, 4, 2, 0, 0, 4]);
    for (const name of ['segment_sum', 'segment_mean', 'segment_max', 'segment_softmax'] as const) {
      const def = OPS[name];
      expectTensorsClose(def.decompose!([x, seg], { numSegments: 5 })[0]!, segmentOp(name)(x, seg, 5), 1e-13);
    }
  });

  test('gradients: sum gathers dOut rows, mean divides by the count, max splits ties evenly', () => {
    const w = f64([[1, 2], [3, 4], [5, 6], [7, 8]]);
    // d/dx Σ_s w[s]·segment_sum(x)[s] = w[ids[e]] for each edge e.
    expect(grad((x) => sum(mul(segmentSum(x, ids, 4), w)))(data).toArray()).toEqual([[5, 6], [1, 2], [5, 6], [1, 2]]);
    // Every segment has 2 edges: w[ids[e]] / 2.
    expect(grad((x) => sum(mul(segmentMean(x, ids, 4), w)))(data).toArray()).toEqual([[2.5, 3], [0.5, 1], [2.5, 3], [0.5, 1]]);
    // Ties: edges 0 and 1 both attain the maximum 2 of segment 0 and share its gradient, like amax.
    const t = f64([2, 2, 1, 4]), tid = i32([0, 0, 0, 1]);
    expect(grad((x) => sum(segmentMax(x, tid, 2)))(t).toArray()).toEqual([0.5, 0.5, 0, 1]);
    expect(grad((x) => max(x, { axes: 0 }))(f64([2, 2, 1])).toArray()).toEqual([0.5, 0.5, 0]);
  });

  test('named gradient checks: repeated ids, empty segments, trailing dims', () => {
    for (const name of ['segment_sum', 'segment_mean', 'segment_max', 'segment_softmax'] as const) {
      const def = OPS[name];
      const spec = { ...def, check: { ...def.check, values: () => [null, [3, 0, 3, 3, 1]] } };
      for (const seed of [1, 2]) {
        const r = checkCase(spec, { shapes: [[5, 2, 1], [5]], attrs: { numSegments: 5 } }, seed);
        expect(r.firstOrder, name).toBeLessThan(1e-5);
        expect(r.secondOrder, name).toBeLessThan(1e-5);
      }
    }
  });
});

describe('segment_softmax', () => {
  test('hand-computed weights: a softmax over the edges of each segment', () => {
    // Segment 2 has scores (1, 5) in column 0: weights 1/(1+e^4), e^4/(1+e^4); column 1 (2, −6): 1/(1+e^−8), e^−8/(1+e^−8).
    const y = segmentSoftmax(data, ids, 4).toArray() as number[][];
    const a = 1 / (1 + Math.exp(4)), b = 1 / (1 + Math.exp(-8));
    expect(y[0]![0]).toBeCloseTo(a, 15);
    expect(y[2]![0]).toBeCloseTo(1 - a, 15);
    expect(y[0]![1]).toBeCloseTo(b, 15);
    expect(y[2]![1]).toBeCloseTo(1 - b, 15);
    // Segment 0 has (3, 7) and (4, 8): the same differences of 4.
    expect(y[1]![0]).toBeCloseTo(a, 15);
    expect(y[3]![1]).toBeCloseTo(1 - a, 15);
  });

  test('one segment equals softmax along the edge axis; weights sum to 1 per segment', () => {
    const x = rand([5, 3], { seed: 9, dtype: 'float64', low: -3, high: 3 });
    expectTensorsClose(segmentSoftmax(x, i32([0, 0, 0, 0, 0]), 1), softmax(x, { axis: 0 }), 1e-13);
    const seg = i32([1, 3, 1, 1, 3]);
    expectTensorsClose(segmentSum(segmentSoftmax(x, seg, 4), seg, 4), f64([[0, 0, 0], [1, 1, 1], [0, 0, 0], [1, 1, 1]]), 1e-13);
  });

  test('stable at scores of ±1e4; a segment of all -inf is NaN like softmax', () => {
    const y = values(segmentSoftmax(f64([1e4, 1e4 - 1, -1e4, 0]), i32([0, 0, 1, 1]), 2));
    expect(y[0]).toBeCloseTo(1 / (1 + Math.exp(-1)), 15);
    expect(y[1]).toBeCloseTo(Math.exp(-1) / (1 + Math.exp(-1)), 15);
    expect(y[2]).toBe(0);
    expect(y[3]).toBe(1);
    const n = values(segmentSoftmax(f64([-Infinity, -Infinity, 0]), i32([0, 0, 1]), 2));
    expect(n[0]).toBeNaN();
    expect(n[2]).toBe(1);
  });
});

describe('segment op errors', () => {
  test('ids outside [0, numSegments) raise a ValueError from the kernel naming the value', () => {
    for (const name of ['segment_sum', 'segment_mean', 'segment_max', 'segment_softmax'] as const) {
      expectError(() => segmentOp(name)(data, i32([0, 1, 4, 0]), 4), ValueError, `${name}:`, 'segmentIds value 4 at position 2', '[0, 4)');
      expectError(() => segmentOp(name)(data, i32([0, -1, 1, 0]), 4), ValueError, `${name}:`, 'segmentIds value -1');
    }
  });

  test('bad shapes, dtypes and numSegments name the op, the argument and the shapes', () => {
    expectError(() => segmentSum(data, i32([0, 1, 2]), 3), ShapeError, 'segment_sum:', 'segmentIds (3)', 'data (4,2)');
    expectError(() => segmentMean(data, i32([[0, 1, 2, 0]]), 3), ShapeError, 'segment_mean:', 'segmentIds (1,4)', '1-dimensional');
    expectError(() => segmentMax(data, f64([0, 1, 2, 0]), 3), DTypeError, 'segment_max:', 'segmentIds (4)', 'float64', 'int32');
    expectError(() => segmentSoftmax(i32([1, 2]), i32([0, 0]), 1), DTypeError, 'segment_softmax:', 'data (2)', 'int32');
    expectError(() => segmentMean(i32([1, 2]), i32([0, 0]), 1), DTypeError, 'segment_mean:', 'data (2)', 'int32');
    expectError(() => segmentSum(f64(3), i32([]), 1), ShapeError, 'segment_sum:', 'data ()', 'at least 1 dimension');
    expectError(() => segmentSum(data, ids, -1), ValueError, 'segment_sum:', 'numSegments -1');
    expectError(() => segmentMax(data, ids, 2.5), ValueError, 'segment_max:', 'numSegments 2.5');
  });
});

function segmentOp(name: 'segment_sum' | 'segment_mean' | 'segment_max' | 'segment_softmax') {
  return { segment_sum: segmentSum, segment_mean: segmentMean, segment_max: segmentMax, segment_softmax: segmentSoftmax }[name];
}
