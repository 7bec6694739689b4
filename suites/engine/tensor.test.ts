import { describe, expect, test } from 'vitest';
import { add, arange, full, mul, sum, tensor, zeros, type Tensor } from '../../engine/index.js';

describe('tensors', () => {
  test('nested arrays give shape and float32 by default; typed arrays keep their dtype', () => {
    const t = tensor([[1, 2, 3], [4, 5, 6]]);
    expect(t.shape).toEqual([2, 3]);
    expect(t.dtype).toBe('float32');
    expect(t.toArray()).toEqual([[1, 2, 3], [4, 5, 6]]);
    expect(tensor(new Float64Array([1, 2])).dtype).toBe('float64');
    expect(tensor(new Int32Array([1, 2])).dtype).toBe('int32');
    expect(tensor([true, false]).dtype).toBe('bool');
    expect(tensor(3).shape).toEqual([]);
  });

  test('float32 storage rounds; computation happens in float64', () => {
    const t = tensor([0.1], { dtype: 'float32' });
    expect(t.dataSync()[0]).toBe(Math.fround(0.1));
    const big = tensor([16777216], { dtype: 'float32' });
    // 2^24 + 1 is not representable in float32: the sum rounds on store
    expect(add(big, 1).item()).toBe(16777216);
  });

  test('ragged nested arrays and wrong shapes are ShapeErrors', () => {
    expect(() => tensor([[1, 2], [3]])).toThrow(/tensor: nested arrays are ragged/);
    expect(() => tensor(new Float32Array(5), { shape: [2, 3] })).toThrow('tensor: shape (2,3) needs 6 values, got 5');
  });

  test('dtype promotion: int32 with float32 gives float32, numbers do not widen', () => {
    const i = tensor([1, 2], { dtype: 'int32' });
    expect(add(i, tensor([0.5, 0.5])).dtype).toBe('float32');
    expect(add(i, 2).dtype).toBe('int32');
    expect(add(i, 0.5).dtype).toBe('float32');
    expect(mul(tensor([1], { dtype: 'float64' }), tensor([2], { dtype: 'float32' })).dtype).toBe('float64');
  });

  test('broadcasting follows NumPy rules', () => {
    const a = arange(3).toArray();
    expect(a).toEqual([0, 1, 2]);
    const r = add(tensor([[1], [2]]), tensor([10, 20, 30]));
    expect(r.shape).toEqual([2, 3]);
    expect(r.toArray()).toEqual([[11, 21, 31], [12, 22, 32]]);
  });

  test('zero-size tensors flow through ops', () => {
    const z: Tensor = zeros([0, 3]);
    expect(add(z, 1).shape).toEqual([0, 3]);
    expect(sum(z, { axes: 0 }).toArray()).toEqual([0, 0, 0]);
    expect(full([2, 0], 7).size).toBe(0);
  });

  test('item() needs one element', () => {
    expect(() => zeros([2]).item()).toThrow('item: tensor of shape (2) has 2 elements, not 1');
  });
});
