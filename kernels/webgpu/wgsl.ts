// Loading WGSL sources from kernels/wgsl/: `<name>.wgsl` is a kernel's default source,
// `<name>.<variant>.wgsl` a variant picked up automatically (a user adds a file to have their own
// kernel checked by the parity suite and benchmarked against the others). Extra directories
// can be listed in ZOO_WGSL_PATH (colon-separated); their files win over the built-in ones.
//
// Templates: `{{KEY}}` placeholders are substituted by the TS descriptor (e.g. the element
// expression of the shared elementwise template). A header line `// zoo: key=value ...` carries
// launch metadata (e.g. matmul's output tile per workgroup); see `headerOf`.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The built-in kernels/wgsl directory, found from this module (source or dist/ build). */
function builtinDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const cand = join(dir, 'kernels', 'wgsl');
    if (existsSync(cand)) return cand;
    const sibling = join(dir, '..', 'wgsl');
    if (existsSync(sibling) && existsSync(join(sibling, 'elementwise.wgsl'))) return sibling;
    dir = dirname(dir);
  }
  throw new Error('kernels/wgsl not found next to the webgpu runtime');
}

export function wgslDirs(): string[] {
  const extra = (process.env['ZOO_WGSL_PATH'] ?? '').split(':').filter(Boolean);
  return [...extra, builtinDir()];
}

const cache = new Map<string, string>();

/** The source of `kernels/wgsl/<file>` (the first directory that has it). */
export function wgslSource(file: string): string {
  let src = cache.get(file);
  if (src !== undefined) return src;
  for (const d of wgslDirs()) {
    const p = join(d, file);
    if (existsSync(p)) {
      src = readFileSync(p, 'utf8');
      cache.set(file, src);
      return src;
    }
  }
  throw new Error(`WGSL source ${file} not found in ${wgslDirs().join(', ')}`);
}

/** Variant names of `op`: 'default' for `<op>.wgsl`, `v` for `<op>.v.wgsl`, sorted. */
export function wgslVariants(op: string): string[] {
  const found = new Set<string>();
  for (const d of wgslDirs()) {
    if (!existsSync(d)) continue;
    for (const f of readdirSync(d)) {
      if (f === `${op}.wgsl`) found.add('default');
      else if (f.startsWith(`${op}.`) && f.endsWith('.wgsl')) {
        const v = f.slice(op.length + 1, -'.wgsl'.length);
        if (v && !v.includes('.')) found.add(v);
      }
    }
  }
  return [...found].sort((a, b) => (a === 'default' ? -1 : b === 'default' ? 1 : a.localeCompare(b)));
}

export const variantFile = (op: string, variant: string): string => (variant === 'default' ? `${op}.wgsl` : `${op}.${variant}.wgsl`);

/** Drops whole-line comments (they document placeholders, which must not be substituted there). */
export const stripComments = (src: string): string => src.split('\n').filter((l) => !/^\s*\/\//.test(l)).join('\n');

/** Replaces every `{{KEY}}` outside comment lines; a placeholder left without a value is an error. */
export function fillTemplate(src: string, values: Readonly<Record<string, string | number>>): string {
  return stripComments(src).replace(/\{\{(\w+)\}\}/g, (_, k: string) => {
    const v = values[k];
    if (v === undefined) throw new Error(`WGSL template value {{${k}}} is missing`);
    return String(v);
  });
}

/** `// zoo: tile_m=32 tile_n=32 requires=subgroups` → { tile_m: '32', tile_n: '32', requires: 'subgroups' }. */
export function headerOf(src: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of src.split('\n')) {
    const m = /^\s*\/\/\s*zoo:\s*(.*)$/.exec(line);
    if (!m) continue;
    for (const kv of m[1]!.trim().split(/\s+/)) {
      const [k, v] = kv.split('=');
      if (k && v !== undefined) out[k] = v;
    }
  }
  return out;
}
