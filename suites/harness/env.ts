// The environment every results file records: machine, CPU features, Node, OS, git state.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';

export interface Environment {
  cpu: { model: string; cores: number; features: string[] };
  memoryBytes: number;
  node: string;
  os: string;
  git: { commit: string | null; dirty: boolean | null };
  date: string;
}

const INTERESTING = ['avx', 'avx2', 'fma', 'f16c', 'avx512f', 'avx512bw', 'avx512vl', 'sse4_2', 'neon', 'asimd'];

/** CPU feature flags of interest, from /proc/cpuinfo (Linux); empty elsewhere. */
export function cpuFeatures(): string[] {
  try {
    const text = readFileSync('/proc/cpuinfo', 'utf8');
    const line = text.split('\n').find((l) => /^(flags|Features)\s*:/.test(l)) ?? '';
    const flags = new Set(line.split(':')[1]?.trim().split(/\s+/) ?? []);
    return INTERESTING.filter((f) => flags.has(f));
  } catch {
    return [];
  }
}

function git(args: string[]): string | null {
  try {
    return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

export function environment(): Environment {
  const commit = git(['rev-parse', 'HEAD']);
  const status = commit === null ? null : git(['status', '--porcelain', '--untracked-files=no']);
  return {
    cpu: { model: os.cpus()[0]?.model ?? 'unknown', cores: os.cpus().length, features: cpuFeatures() },
    memoryBytes: os.totalmem(),
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    git: { commit, dirty: status === null ? null : status.length > 0 },
    date: new Date().toISOString(),
  };
}
