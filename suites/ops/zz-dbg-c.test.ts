import { test } from "vitest";
import { OPS, apply, fromArray, getBackend } from '../../engine/index.js';
const mk = (shape: number[], dev: string, seed: number, dtype = 'float32') => {
  const n = shape.reduce((a, b) => a * b, 1);
  let s = seed;
  const data = Array.from({ length: n }, () => { s = (s * 16807) % 2147483647; return dtype === 'bool' ? (s % 5 ? 1 : 0) : (s / 2147483647) * 4 - 2; });
  return fromArray(dtype === 'bool' ? Uint8Array.from(data) : Float32Array.from(data), shape, dtype as never, { backend: dev });
};
test("dbg", () => { for (const dev of ['ref', 'native']) {
  getBackend(dev);
  const ins = [mk([1,2,17,2],dev,1), mk([1,1,1,2],dev,2), mk([1,1,1,1],dev,3), mk([1,2,17,1],dev,4), mk([1,2,17,1],dev,5,'bool'), fromArray(Uint8Array.from([0]), [], 'bool', { backend: dev }), mk([1,2,17,1],dev,6)];
  const outs = apply(OPS.scaled_dot_product_attention_backward, ins, { causal: false });
  console.log(dev, outs.map((o) => Array.from(o.dataSync()).slice(0, 6).map((x) => x.toFixed(4)).join(',')));
}
});
