// Decode benchmarks: one-token steps through a model's key/value cache, for models whose built
// module has `createCache({ batch, maxLength })` and `forward(idx, { cache })` (the zoo's gpt).
// A step feeds the next token of every sequence of a data batch (teacher forcing, no sampling) at
// context lengths P .. T−1 with P = T/2; when the cache is full it is refilled by an untimed prefill.
import { noGrad, slice, tidy, type Backend, type Module, type Tensor } from '../../../engine/index.js';
import type { ValidationRecord } from '../../../reports/schema.js';
import type { Batch } from '../../../zoo/index.js';
import { syncBackend } from './hooks.js';
import { buildOn, type ModelBenchSpec } from './modelspec.js';
import { normalizedError, validationRecord } from './validate.js';

interface DecodeCache {
  readonly length: number;
  reset(): void;
}

interface DecodeModel extends Module {
  createCache(opts: { batch: number; maxLength?: number }): DecodeCache;
  forward(idx: Tensor, opts: { cache: DecodeCache }): Tensor;
}

/** The model as a decoder, or null when it has no KV-cache API. */
export function decodeApi(model: Module): DecodeModel | null {
  const m = model as unknown as Partial<Record<keyof DecodeModel, unknown>>;
  return typeof m.createCache === 'function' && typeof m.forward === 'function' ? (model as unknown as DecodeModel) : null;
}

/** The batch's token ids: its first int32 (B, T) tensor. */
export function tokensOf(batch: Batch): Tensor | null {
  return Object.values(batch).find((t) => t.dtype === 'int32' && t.rank === 2 && t.shape[1]! >= 2) ?? null;
}

const cols = (t: Tensor, from: number, to: number) => slice(t, { starts: [from], ends: [to], axes: [1] }); // (B, to − from)

export interface DecodeBench {
  beforeIteration: () => Promise<void>;
  iteration: () => Promise<void>;
  tokensPerStep: number;
  /** Analytic FLOPs of one step: the forward FLOPs of a (B, T) batch divided by T. */
  flopsPerStep(forwardFlops: number): number;
  note: string;
  dispose(): void;
}

export function decodeBenchmark(model: DecodeModel, tokens: Tensor, backend: Backend): DecodeBench {
  const [B, T] = tokens.shape as [number, number];
  const P = Math.max(1, Math.floor(T / 2));
  model.eval();
  const prompt = cols(tokens, 0, P); // (B, P)
  const stepTokens = Array.from({ length: T }, (_, L) => (L >= P ? cols(tokens, L, L + 1) : null)); // (B, 1) each
  const cache = model.createCache({ batch: B, maxLength: T });
  const run = async (idx: Tensor) => {
    const y = tidy(() => noGrad(() => model.forward(idx, { cache })));
    await syncBackend(backend, [y]);
    y.dispose();
  };
  return {
    beforeIteration: async () => {
      if (cache.length > 0 && cache.length < T) return;
      cache.reset();
      await run(prompt);
    },
    iteration: () => run(stepTokens[cache.length]!),
    tokensPerStep: B,
    flopsPerStep: (forwardFlops) => forwardFlops / T,
    note: `decode: one-token steps for ${B} sequences at context lengths ${P}..${T - 1} (cycled; an untimed prefill of ${P} tokens refills the cache); analytic FLOPs per step = forward FLOPs / ${T}`,
    dispose: () => {
      cache.reset();
      [prompt, ...stepTokens].forEach((t) => t?.dispose());
    },
  };
}

/** Logits of a prefill of P tokens and of one cached step after it, as plain arrays. */
async function decodeOutputs(s: ModelBenchSpec, config: Record<string, unknown>, backend: string): Promise<ArrayLike<number>[]> {
  const outs = tidy(() => noGrad(() => {
    const { model, batches } = buildOn(s.def, config, backend, s.seed);
    const dec = decodeApi(model)!;
    const tokens = tokensOf(batches[0]!)!;
    const T = tokens.shape[1]!, P = Math.max(1, Math.floor(T / 2));
    dec.eval();
    const cache = dec.createCache({ batch: tokens.shape[0]!, maxLength: T });
    const res = [dec.forward(cols(tokens, 0, P), { cache }), dec.forward(cols(tokens, P, P + 1), { cache })];
    cache.reset();
    return res;
  }));
  const arrays: ArrayLike<number>[] = [];
  for (const t of outs) arrays.push(Float64Array.from(await t.data()));
  outs.forEach((t) => t.dispose());
  return arrays;
}

export async function validateDecode(s: ModelBenchSpec, config: Record<string, unknown>, at: string, extra: Partial<ValidationRecord>): Promise<ValidationRecord> {
  const got = await decodeOutputs(s, config, s.backend);
  const want = await decodeOutputs(s, config, 'ref');
  const err = Math.max(normalizedError(got[0]!, want[0]!), normalizedError(got[1]!, want[1]!));
  return validationRecord(err, `logits of a prefill and of one cached decode step${at}`, extra);
}
