// Binary family: add, sub, mul, div, pow, maximum, minimum, where, clamp and the comparisons.
// Forward values are derived by hand (comments give the arithmetic); gradient rules and dtype
// promotion follow PyTorch; every typed error names the op, the argument and the shapes.
import { describe, expect, test } from 'vitest';
import {
  DTypeError, ShapeError, ValueError, add, backward, clamp, div, eq, ge, grad, gt, le, lt, maximum, minimum, mul, ne, pow, sub, sum,
  tensor, where, type Tensor,
} from '../../engine/index.js';
import { expectError } from '../harness/expect.js';

const f64 = (v: number[]) => tensor(v, { dtype: 'float64' });
const vals = (t: Tensor) => Array.from(t.dataSync());
/** d sum(f(xs)) / d xs, each input a float64 leaf. */
function grads(f: (...xs: Tensor[]) => Tensor, ...inputs: number[][]): number[][] {
  const xs = inputs.map((v) => f64(v).requireGrad());
  backward(sum(f(...xs)));
  return xs.map((x) => vals(x.grad!));
}
describe('add, sub, mul, div', () => {
  test('broadcast (2,1) against (3) to (2,3)', () => {
    const a = tensor([[1], [2]]), b = tensor([10, 20, 30]);
    expect(add(a, b).shape).toEqual([2, 3]);
    expect(add(a, b).toArray()).toEqual([[11, 21, 31], [12, 22, 32]]);
    expect(sub(a, b).toArray()).toEqual([[-9, -19, -29], [-8, -18, -28]]);
    expect(mul(a, b).toArray()).toEqual([[10, 20, 30], [20, 40, 60]]);
    // 10/1, 20/1, 30/1; 10/2, 20/2, 30/2
    expect(div(b, a).toArray()).toEqual([[10, 20, 30], [5, 10, 15]]);
  });

  test('numbers are operands on either side', () => {
    const x = tensor([1, 2, 4]);
    expect(vals(sub(1, x))).toEqual([0, -1, -3]);
    expect(vals(div(x, 2))).toEqual([0.5, 1, 2]);
    expect(vals(mul(3, x))).toEqual([3, 6, 12]);
    expectError(() => add(1 as never, 2 as never), ValueError, 'add', 'at least one tensor');
  });

  test('dtype promotion: tensors widen, numbers do not (PyTorch wrapped-number rule)', () => {
    const i = tensor([1, 2], { dtype: 'int32' }), f = tensor([0.5, 0.5]), d = f64([1, 2]);
    expect(add(i, f).dtype).toBe('float32');
    expect(add(f, d).dtype).toBe('float64');
    expect(add(i, i).dtype).toBe('int32');
    expect(add(i, 2).dtype).toBe('int32');
    expect(add(i, 2.5).dtype).toBe('float32');
    expect(vals(add(i, 2.5))).toEqual([3.5, 4.5]);
    expect(mul(d, 2).dtype).toBe('float64');
    expect(add(f, 1).dtype).toBe('float32');
  });

  test('div is true division: int32 / int32 is float32', () => {
    const q = div(tensor([7, -7], { dtype: 'int32' }), tensor([2, 2], { dtype: 'int32' }));
    expect(q.dtype).toBe('float32');
    expect(vals(q)).toEqual([3.5, -3.5]);
  });

  test('bool operands are rejected by arithmetic', () => {
    expectError(() => add(tensor([true, false]), tensor([1, 2])), DTypeError, 'add', 'a (2)', 'bool');
  });

  test('mismatched shapes name both operands and shapes', () => {
    expectError(() => add(tensor([[1, 2, 3], [4, 5, 6]]), tensor([1, 2, 3, 4])), ShapeError, 'add: a (2,3) and b (4)');
    expectError(() => mul(tensor([1, 2]), tensor([1, 2, 3])), ShapeError, 'mul: a (2) and b (3)');
  });

  test('gradients are summed back over broadcast dims', () => {
    // out[i,j] = a[i,0] + b[j]: each a[i] appears in 3 outputs, each b[j] in 2.
    const a = tensor([[1], [2]], { dtype: 'float64' }).requireGrad(), b = f64([1, 2, 3]).requireGrad();
    backward(sum(add(a, b)));
    expect(a.grad!.toArray()).toEqual([[3], [3]]);
    expect(vals(b.grad!)).toEqual([2, 2, 2]);
    // d(a/b)/da = 1/b, d(a/b)/db = -a/b^2: a=3, b=2 -> 0.5, -0.75
    expect(grads((x, y) => div(x!, y!), [3], [2])).toEqual([[0.5], [-0.75]]);
  });
});

describe('where', () => {
  test('selects a where cond holds, b elsewhere; all three broadcast', () => {
    const c = tensor([[true], [false]]);
    expect(where(c, tensor([1, 2, 3]), 0).toArray()).toEqual([[1, 2, 3], [0, 0, 0]]);
  });

  test('cond must be bool', () => {
    expectError(() => where(tensor([1, 0]), tensor([1, 2]), tensor([3, 4])), DTypeError, 'where', 'cond (2)', 'float32');
  });

  test('gradient goes to the selected branch only', () => {
    const c = tensor([true, false, true]);
    expect(grads((a, b) => where(c, a!, b!), [1, 2, 3], [4, 5, 6])).toEqual([[1, 0, 1], [0, 1, 0]]);
  });
});

describe('comparisons', () => {
  test('eq ne lt le gt ge broadcast to bool with no gradient', () => {
    const a = tensor([[1], [2]]), b = tensor([1, 2, 3]);
    const x = f64([1, 2]).requireGrad();
    expect(eq(a, b).toArray()).toEqual([[1, 0, 0], [0, 1, 0]]);
    expect(ne(a, b).toArray()).toEqual([[0, 1, 1], [1, 0, 1]]);
    expect(lt(a, b).toArray()).toEqual([[0, 1, 1], [0, 0, 1]]);
    expect(le(a, b).toArray()).toEqual([[1, 1, 1], [0, 1, 1]]);
    expect(gt(a, b).toArray()).toEqual([[0, 0, 0], [1, 0, 0]]);
    expect(ge(a, b).toArray()).toEqual([[1, 0, 0], [1, 1, 0]]);
    expect(ge(x, 1.5).dtype).toBe('bool');
    expect(ge(x, 1.5).requiresGrad).toBe(false);
  });

  test('int32 and float operands compare by value', () => {
    expect(vals(eq(tensor([1, 2], { dtype: 'int32' }), tensor([1, 2.5])))).toEqual([1, 0]);
    expect(vals(lt(1, tensor([0, 1, 2], { dtype: 'int32' })))).toEqual([0, 0, 1]);
  });

  test('mismatched shapes name both operands', () => {
    expectError(() => lt(tensor([1, 2]), tensor([1, 2, 3])), ShapeError, 'lt: a (2) and b (3)');
  });
});

describe('pow', () => {
  test('values: squares, powers of two, broadcasting', () => {
    expect(vals(pow(tensor([1, 2, 3]), 2))).toEqual([1, 4, 9]);
    // 2^0, 2^1, 2^-1, 2^0.5
    expect(vals(pow(2, f64([0, 1, -1, 0.5])))).toEqual([1, 2, 0.5, Math.SQRT2]);
    // (2,1) ** (2): [[2^1, 2^2], [3^1, 3^2]]
    expect(pow(tensor([[2], [3]]), tensor([1, 2])).toArray()).toEqual([[2, 4], [3, 9]]);
  });

  test('C pow semantics at the special points (as torch.pow)', () => {
    // 0^0 = 1, NaN^0 = 1, 1^NaN = 1, 1^inf = 1, (-1)^inf = 1, (-2)^3 = -8, (-8)^(1/3) = NaN
    const a = f64([0, NaN, 1, 1, -1, -2, -8]), b = f64([0, 0, NaN, Infinity, -Infinity, 3, 1 / 3]);
    expect(vals(pow(a, b))).toEqual([1, 1, 1, 1, 1, -8, NaN]);
  });

  test('int32 ** int32 stays int32; negative exponents truncate; a fractional operand gives float32', () => {
    const i = tensor([2, 3, -2], { dtype: 'int32' });
    const p = pow(i, tensor([3, 2, 3], { dtype: 'int32' }));
    expect(p.dtype).toBe('int32');
    expect(vals(p)).toEqual([8, 9, -8]);
    // 2^-1 = 0.5 -> 0, 1^-1 = 1, (-1)^-1 = -1 (torch integer pow)
    expect(vals(pow(tensor([2, 1, -1], { dtype: 'int32' }), tensor([-1], { dtype: 'int32' })))).toEqual([0, 1, -1]);
    const r = pow(tensor([4, 9], { dtype: 'int32' }), 0.5);
    expect(r.dtype).toBe('float32');
    expect(vals(r)).toEqual([2, 3]);
    expect(pow(i, 2).dtype).toBe('int32');
    expect(pow(f64([2]), 2).dtype).toBe('float64');
    expect(pow(tensor([2], { dtype: 'int32' }), tensor([2])).dtype).toBe('float32');
  });

  test('gradients: b a^(b-1) and a^b ln a', () => {
    // a=2, b=3: d/da = 3*2^2 = 12, d/db = 2^3 ln 2 = 8 ln 2
    const [dA, dB] = grads((a, b) => pow(a!, b!), [2], [3]);
    expect(dA![0]).toBeCloseTo(12, 12);
    expect(dB![0]).toBeCloseTo(8 * Math.LN2, 12);
  });

  test('an int32 base still gives the exponent a gradient', () => {
    // 3^b at b=2: d/db = 9 ln 3 (ln is taken of the base cast to the result dtype)
    const b = f64([2]).requireGrad();
    backward(sum(pow(tensor([3], { dtype: 'int32' }), b)));
    expect(b.grad!.item()).toBeCloseTo(9 * Math.log(3), 12);
  });

  test('torch gradient rules at a == 0 and a < 0', () => {
    // a=0, b=2: d/da = 2*0 = 0, d/db = 0 (torch masks 0^b ln 0 where b >= 0)
    // a=0, b=0: d/da = 0 (torch masks where b == 0), d/db = 0
    // a=-2, b=2: d/da = 2*(-2) = -4, d/db = 4 ln(-2) = NaN
    const [dA, dB] = grads((a, b) => pow(a!, b!), [0, 0, -2], [2, 0, 2]);
    expect(dA).toEqual([0, 0, -4]);
    expect(dB).toEqual([0, 0, NaN]);
  });

  test('second derivatives', () => {
    // d^2/da^2 a^3 = 6a = 12 at a=2; d^2/db^2 2^b = 2^b ln^2 2 = 8 ln^2 2 at b=3
    const x = tensor(2, { dtype: 'float64' }), y = tensor(3, { dtype: 'float64' });
    expect(grad(grad((a) => pow(a, 3)))(x).item()).toBeCloseTo(12, 12);
    expect(grad(grad((b) => pow(2, b)))(y).item()).toBeCloseTo(8 * Math.LN2 ** 2, 12);
  });

  test('mismatched shapes and bool operands', () => {
    expectError(() => pow(tensor([[1, 2]]), tensor([1, 2, 3])), ShapeError, 'pow: a (1,2) and b (3)');
    expectError(() => pow(tensor([1]), tensor([true])), DTypeError, 'pow', 'b (1)', 'bool');
  });
});

describe('maximum and minimum', () => {
  test('values with broadcasting', () => {
    const a = tensor([[1], [5]]), b = tensor([2, 3, 4]);
    expect(maximum(a, b).toArray()).toEqual([[2, 3, 4], [5, 5, 5]]);
    expect(minimum(a, b).toArray()).toEqual([[1, 1, 1], [2, 3, 4]]);
  });

  test('NaN in either operand propagates (torch.maximum/minimum)', () => {
    expect(vals(maximum(f64([NaN, 1]), f64([0, NaN])))).toEqual([NaN, NaN]);
    expect(vals(minimum(f64([NaN, 1]), f64([0, NaN])))).toEqual([NaN, NaN]);
  });

  test('the gradient goes to the winner and is split in half at ties', () => {
    // a = [1, 2, 3], b = [1, 0, 5]: tie, a wins, b wins
    expect(grads((a, b) => maximum(a!, b!), [1, 2, 3], [1, 0, 5])).toEqual([[0.5, 1, 0], [0.5, 0, 1]]);
    expect(grads((a, b) => minimum(a!, b!), [1, 2, 3], [1, 0, 5])).toEqual([[0.5, 0, 1], [0.5, 1, 0]]);
  });

  test('broadcast gradient: maximum(x, 0) is relu, ties at 0 get 1/2', () => {
    expect(grads((x) => maximum(x!, 0), [-1, 0, 2])).toEqual([[0, 0.5, 1]]);
    // min(x, 1) for x in [0.5, 2] and one b shared by both: b gets the sum of its wins
    expect(grads((x, b) => minimum(x!, b!), [0.5, 2], [1])).toEqual([[1, 0], [1]]);
  });

  test('dtype promotion', () => {
    const i = tensor([1, 4], { dtype: 'int32' });
    expect(maximum(i, tensor([2, 2])).dtype).toBe('float32');
    expect(maximum(i, 2).dtype).toBe('int32');
    expect(vals(maximum(i, 2))).toEqual([2, 4]);
    expect(minimum(i, 2.5).dtype).toBe('float32');
    expect(vals(minimum(i, 2.5))).toEqual([1, 2.5]);
    expect(minimum(f64([1]), 0).dtype).toBe('float64');
  });

  test('typed errors name the op, the operands and their shapes', () => {
    expectError(() => maximum(tensor([[1, 2, 3], [4, 5, 6]]), tensor([1, 2])), ShapeError, 'maximum: a (2,3) and b (2)');
    expectError(() => minimum(tensor([true]), tensor([1])), DTypeError, 'minimum', 'a (1)', 'bool');
  });
});

describe('clamp', () => {
  test('values with both bounds, min only, max only', () => {
    const x = tensor([-2, -0.5, 0.5, 2]);
    expect(vals(clamp(x, { min: -1, max: 1 }))).toEqual([-1, -0.5, 0.5, 1]);
    expect(vals(clamp(x, { min: 0 }))).toEqual([0, 0, 0.5, 2]);
    expect(vals(clamp(x, { max: 0 }))).toEqual([-2, -0.5, 0, 0]);
  });

  test('min > max sets every element to max; NaN stays NaN (torch.clamp)', () => {
    expect(vals(clamp(tensor([-3, 0, 3]), { min: 2, max: 1 }))).toEqual([1, 1, 1]);
    expect(vals(clamp(f64([NaN, 5]), { min: 0, max: 1 }))).toEqual([NaN, 1]);
  });

  test('the gradient passes inside the bounds, boundaries included', () => {
    expect(grads((x) => clamp(x!, { min: -1, max: 1 }), [-2, -1, 0, 1, 2])).toEqual([[0, 1, 1, 1, 0]]);
    expect(grads((x) => clamp(x!, { max: 0 }), [-1, 1])).toEqual([[1, 0]]);
    // min > max: no element lies in [min, max]
    expect(grads((x) => clamp(x!, { min: 1, max: -1 }), [-2, 0, 2])).toEqual([[0, 0, 0]]);
  });

  test('int32 keeps its dtype with integer bounds and becomes float32 with a fractional bound', () => {
    const i = tensor([-3, 0, 3], { dtype: 'int32' });
    expect(clamp(i, { min: -1, max: 1 }).dtype).toBe('int32');
    expect(vals(clamp(i, { min: -1, max: 1 }))).toEqual([-1, 0, 1]);
    const f = clamp(i, { min: 0.5 });
    expect(f.dtype).toBe('float32');
    expect(vals(f)).toEqual([0.5, 0.5, 3]);
    expect(clamp(f64([1]), { max: 0 }).dtype).toBe('float64');
  });

  test('typed errors', () => {
    expectError(() => clamp(tensor([1, 2]), {}), ValueError, 'clamp', 'min', 'max');
    expectError(() => clamp(tensor([true, false]), { min: 0 }), DTypeError, 'clamp', 'x (2)', 'bool');
    expectError(() => clamp(tensor([1]), { min: '0' as unknown as number }), ValueError, 'clamp', 'min 0');
  });
});
