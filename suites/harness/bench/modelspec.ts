// What a model benchmark is about: the registered model, its preset config (with --batch/--seq
// applied), the backend, and how the model and its data are built (float32, from the seed).
import { Generator, ValueError, type Backend, type Module } from '../../../engine/index.js';
import type { BenchMode } from '../../../reports/schema.js';
import type { AnyModel, Batch } from '../../../zoo/index.js';

export type ModelMode = Exclude<BenchMode, 'op'>;
export const MODEL_MODES: readonly ModelMode[] = ['train', 'infer', 'decode'];

/** Config fields that `--batch` and `--seq` set, by the names the zoo's models use. */
export const BATCH_KEYS = ['batchSize'] as const;
export const SEQ_KEYS = ['blockSize', 'seqLen'] as const;

export type Config = Record<string, unknown>;

export interface ModelBenchSpec {
  name: string;
  def: AnyModel;
  preset: string;
  config: Config;
  backend: string;
  seed: number;
}

export const configKey = (c: Config, keys: readonly string[]): string | null => keys.find((k) => typeof c[k] === 'number') ?? null;
const valueOf = (c: Config, keys: readonly string[]): number | null => {
  const k = configKey(c, keys);
  return k ? (c[k] as number) : null;
};
export const batchOf = (c: Config): number | null => valueOf(c, BATCH_KEYS);
export const seqOf = (c: Config): number | null => valueOf(c, SEQ_KEYS);

/** The preset's config with --batch/--seq applied; a ValueError when the model has no such preset or field. */
export function resolveConfig(name: string, def: AnyModel, preset: string, batch?: number, seq?: number): Config {
  const presets = def.presets as Record<string, Config>;
  const base = presets[preset];
  if (!base) throw new ValueError('bench', `model ${name} has no preset '${preset}' (valid: ${Object.keys(presets).join(', ')})`);
  const c = { ...base };
  for (const [v, keys, flag] of [[batch, BATCH_KEYS, '--batch'], [seq, SEQ_KEYS, '--seq']] as const) {
    if (v === undefined) continue;
    const k = configKey(c, keys);
    if (!k) throw new ValueError('bench', `${flag}: model ${name} has no ${keys.join('/')} field in its config`);
    c[k] = v;
  }
  return c;
}

export const modelKey = (s: Pick<ModelBenchSpec, 'name' | 'preset' | 'config' | 'backend'>, mode: ModelMode): string =>
  `model:${s.name}|${s.preset}|${mode}|${s.backend}|b${batchOf(s.config) ?? '-'}|t${seqOf(s.config) ?? '-'}`;

/** Builds the model and `n` batches on `backend` (float32, weights and data from the seed). */
export function buildOn(def: AnyModel, config: Config, backend: Backend | string, seed: number, n = 1): { model: Module; batches: Batch[] } {
  const model = def.build(config, new Generator(seed), { backend, dtype: 'float32' }) as Module;
  const data = def.data(config, { seed, backend, dtype: 'float32' });
  return { model, batches: Array.from({ length: n }, (_, i) => data.trainBatch(i)) };
}

/** Releases a built model's parameters and buffers and the batches' tensors. */
export function disposeBuilt(b: { model: Module; batches: Batch[] }): void {
  for (const p of b.model.parameters()) p.dispose();
  for (const [, t] of b.model.namedBuffers()) t.dispose();
  for (const batch of b.batches) for (const t of Object.values(batch)) t.dispose();
}
