import { describe, expect, test } from 'vitest';
import {
  AxisError, BackendError, DTypeError, ShapeError, ValueError, add, cast, exp, matmul, reshape, sum, tensor, zeros,
} from '../../engine/index.js';

const f = (shape: number[]) => zeros(shape);

describe('typed errors name the op, the argument and the shapes', () => {
  test('ShapeError: matmul inner dimensions', () => {
    expect(() => matmul(f([2, 3]), f([4, 5]))).toThrow(ShapeError);
    expect(() => matmul(f([2, 3]), f([4, 5]))).toThrow('matmul: a (2,3) and b (4,5): inner dimensions 3 and 4 differ');
  });

  test('ShapeError: matmul with a transposed operand says so', () => {
    expect(() => matmul(f([3, 2]), f([4, 5]), { transA: true })).toThrow('matmul: aᵀ (3,2) and b (4,5): inner dimensions 3 and 4 differ');
  });

  test('ShapeError: broadcasting names both operands and the dimension', () => {
    expect(() => add(f([2, 3]), f([4]))).toThrow(ShapeError);
    expect(() => add(f([2, 3]), f([4]))).toThrow('add: a (2,3) and b (4): cannot broadcast (dimension -1 is 3 vs 4)');
  });

  test('ShapeError: reshape to a different element count', () => {
    expect(() => reshape(f([2, 3]), [4, 2])).toThrow('reshape: x (2,3) (6 elements) cannot be viewed as (4,2) (8 elements)');
  });

  test('DTypeError: a float op on int32', () => {
    const i = tensor([1, 2], { dtype: 'int32' });
    expect(() => exp(i)).toThrow(DTypeError);
    expect(() => exp(i)).toThrow('exp: x (2) has dtype int32; expected float32 or float64');
  });

  test('AxisError: an axis out of range, and a repeated axis', () => {
    expect(() => sum(f([2, 3]), { axes: 2 })).toThrow(AxisError);
    expect(() => sum(f([2, 3]), { axes: 2 })).toThrow('sum: axes 2 is out of range [-2, 2) for a tensor of shape (2,3)');
    expect(() => sum(f([2, 3]), { axes: [1, -1] })).toThrow('sum: axes (1,-1) repeats axis 1 for a tensor of shape (2,3)');
  });

  test('ValueError: two inferred dimensions, an unknown dtype', () => {
    expect(() => reshape(f([2, 3]), [-1, -1])).toThrow(ValueError);
    expect(() => reshape(f([2, 3]), [-1, -1])).toThrow('reshape: shape (-1,-1) has more than one -1');
    // @ts-expect-error an invalid dtype is rejected at run time too
    expect(() => cast(f([2]), 'float16')).toThrow("cast: dtype 'float16' is not one of float32, float64, int32, bool");
  });

  test('BackendError: an unknown backend', () => {
    expect(() => zeros([2], { backend: 'nosuch' })).toThrow(BackendError);
    expect(() => zeros([2], { backend: 'nosuch' })).toThrow("backend: unknown backend 'nosuch' (known: ref");
  });

  test('errors carry the op as a field and their class name', () => {
    try {
      matmul(f([2, 3]), f([4, 5]));
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ShapeError);
      expect((err as ShapeError).op).toBe('matmul');
      expect((err as ShapeError).name).toBe('ShapeError');
    }
  });
});
