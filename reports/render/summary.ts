// The report's opening sentences, computed once and rendered by both the HTML and markdown
// writers: which backend is fastest per model and mode (gpt training first), by how much, how far
// each backend is from the machine's measured limit, and whether any kernel failed its check.
import type { BenchRecord } from '../schema.js';
import { fmtMs, modeWord, pct, si } from './format.js';
import { experimentSentences } from './experiment.js';
import type { ReportInputs } from './inputs.js';
import { counts, type Comparison } from '../../suites/harness/bench/compare.js';

export interface Summary {
  /** Plain-text sentences; renderers escape them. `bad` marks a sentence that reports a failure. */
  sentences: { text: string; bad: boolean }[];
}

export const measured = (r: BenchRecord): boolean => (r.status === 'ok' || r.status === 'partial') && r.throughput !== null && r.summary !== null;

/** Benchmarks of models grouped by model, preset, mode, batch and seq: the backends that compete. */
export function modelGroups(records: readonly BenchRecord[]): BenchRecord[][] {
  const groups = new Map<string, BenchRecord[]>();
  for (const r of records.filter((x) => x.kind === 'model')) {
    const k = `${r.name}|${r.preset}|${r.mode}|${r.batch}|${r.seq}`;
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  // gpt training leads: it is the headline number people compare backends on.
  const rank = (g: BenchRecord[]) => (g[0]!.name === 'gpt' ? 0 : 2) + (g[0]!.mode === 'train' ? 0 : 1);
  return [...groups.values()].sort((a, b) => rank(a) - rank(b));
}

function limitPhrase(r: BenchRecord): string {
  const a = r.achieved;
  if (a?.fractionOfPeak != null) return `${r.backend} ${pct(a.fractionOfPeak, 2)} of its measured peak FLOP/s${a.fractionOfBandwidth != null ? ` (${pct(a.fractionOfBandwidth, 2)} of bandwidth)` : ''}`;
  if (a?.fractionOfBandwidth != null) return `${r.backend} ${pct(a.fractionOfBandwidth, 2)} of its measured bandwidth (peak FLOP/s not measured)`;
  return `${r.backend}: no machine limit measured`;
}

function speedSentences(records: readonly BenchRecord[]): string[] {
  const out: string[] = [];
  for (const group of modelGroups(records)) {
    const ok = group.filter(measured).sort((a, b) => b.throughput!.perSecond - a.throughput!.perSecond);
    const head = group[0]!;
    const what = `${head.name} ${modeWord(head.mode)} (${head.preset}, batch ${head.batch ?? '-'}${head.seq ? `, seq ${head.seq}` : ''})`;
    if (!ok.length) {
      out.push(`No backend produced a measurement for ${what}.`);
      continue;
    }
    const best = ok[0]!;
    const rate = `${si(best.throughput!.perSecond)} ${best.throughput!.unit}`;
    const runnersUp = ok.slice(1).map((r) => `${(best.throughput!.perSecond / r.throughput!.perSecond).toFixed(2)}× ${r.backend} (${si(r.throughput!.perSecond)})`);
    out.push(ok.length === 1
      ? `${what}: only ${best.backend} was measured, at ${rate} (median ${fmtMs(best.summary!.median)} per step).`
      : `${what}: ${best.backend} is fastest at ${rate}, ${runnersUp.join(', ')}.`);
    out.push(`Distance from the machine limit for ${head.name} ${modeWord(head.mode)}: ${ok.map(limitPhrase).join('; ')}.`);
  }
  return out;
}

function correctnessSentences(inputs: ReportInputs): { text: string; bad: boolean }[] {
  const out: { text: string; bad: boolean }[] = [];
  for (const f of inputs.files) {
    if (f.kind === 'experiment') out.push(...experimentSentences(f.file));
    if (f.kind === 'bench' || f.kind === 'experiment') continue;
    const rs = f.file.results;
    const failed = rs.filter((r) => !r.passed);
    const what = f.kind === 'check' ? `gradient check on ${f.file.config.backend}` : `parity check of ${f.file.config.backend} against the float64 oracle`;
    out.push(failed.length
      ? { text: `${failed.length} of ${rs.length} ops FAILED the ${what}: ${failed.map((r) => r.op).join(', ')} (replay commands in the correctness section).`, bad: true }
      : { text: `All ${rs.length} ops passed the ${what}.`, bad: false });
  }
  const benches = inputs.files.flatMap((f) => (f.kind === 'bench' ? f.file.benchmarks : []));
  const invalid = benches.filter((r) => r.validation.status === 'failed' || r.status === 'failed');
  if (invalid.length) out.push({ text: `${invalid.length} benchmark${invalid.length === 1 ? '' : 's'} failed validation against ref or errored: ${invalid.map((r) => `${r.name} ${r.mode} on ${r.backend}`).join(', ')}.`, bad: true });
  else if (benches.some((r) => r.validation.status === 'passed')) out.push({ text: 'Every benchmarked backend matched the ref oracle within its tolerance.', bad: false });
  return out;
}

export function summarize(inputs: ReportInputs, comparison: readonly Comparison[] | null): Summary {
  const benches = inputs.files.flatMap((f) => (f.kind === 'bench' ? f.file.benchmarks : []));
  const sentences = [...speedSentences(benches).map((text) => ({ text, bad: false })), ...correctnessSentences(inputs)];
  const fallbacks = new Set(inputs.files.flatMap((f) => Object.keys(f.kind === 'parity' ? f.file.fallbacks : f.kind === 'bench' ? Object.assign({}, ...f.file.benchmarks.map((r) => r.fallbacks)) : {})));
  if (fallbacks.size) sentences.push({ text: `Decomposition fallbacks were taken (not a failure, but not a fused kernel either): ${[...fallbacks].join(', ')}.`, bad: false });
  if (comparison) {
    const c = counts(comparison);
    sentences.push({ text: `Compared with the base run: ${c.faster} faster, ${c.slower} slower, ${c.unchanged} unchanged, ${c['insufficient data']} with insufficient data.`, bad: c.slower > 0 });
  }
  if (!sentences.length) sentences.push({ text: 'The input files hold no results.', bad: false });
  return { sentences };
}
