// Helpers shared by the binary op files (not re-exported from the public entry).
import type { Tensor } from '../../tensor.js';
import { mul } from './mul.js';
import { where } from './where.js';

/**
 * The gradient an operand of maximum/minimum receives: 0 where it lost, dOut/2 at ties, dOut
 * elsewhere (PyTorch's derivatives.yaml: where(a == b, grad / 2, grad).masked_fill_(lost, 0)).
 * NOTE: where either operand is NaN neither `lost` nor `tie` holds, so both get the full dOut.
 */
export function selectGrad(dOut: Tensor, lost: Tensor, tie: Tensor): Tensor {
  return where(lost, 0, where(tie, mul(dOut, 0.5), dOut));
}
