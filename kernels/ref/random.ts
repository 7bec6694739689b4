// Random draws on ref, exactly as specified in engine/rng.ts (the other backends match these bits).
import type { RandomParams } from '../../engine/backend.js';
import type { TypedArray } from '../../engine/dtype.js';
import { U24, mulhi32, philoxWords, wordsFor } from '../../engine/rng.js';

export function fillRandom(out: TypedArray, p: RandomParams): void {
  const n = out.length;
  const words = new Uint32Array(wordsFor(p.kind, n));
  philoxWords(p.seed, p.offset, words);
  switch (p.kind) {
    case 'uniform':
      for (let i = 0; i < n; i++) out[i] = p.a + (p.b - p.a) * ((words[i]! >>> 8) * U24);
      break;
    case 'bernoulli':
      for (let i = 0; i < n; i++) out[i] = (words[i]! >>> 8) * U24 < p.a ? 1 : 0;
      break;
    case 'randint': {
      const range = p.b - p.a;
      for (let i = 0; i < n; i++) out[i] = p.a + (range === 4294967296 ? words[i]! : mulhi32(words[i]!, range));
      break;
    }
    case 'normal':
      for (let i = 0; i < n; i += 2) {
        const u1 = ((words[i]! >>> 8) + 1) * U24;
        const u2 = (words[i + 1]! >>> 8) * U24;
        const r = Math.sqrt(-2 * Math.log(u1));
        out[i] = p.a + p.b * r * Math.cos(2 * Math.PI * u2);
        if (i + 1 < n) out[i + 1] = p.a + p.b * r * Math.sin(2 * Math.PI * u2);
      }
      break;
  }
}
