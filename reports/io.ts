// Results files: versioned JSON, written atomically (temp file in the same folder, then rename),
// so a crash never leaves a half-written file and an existing file is replaced only when complete.
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../engine/io.js';

export { writeFileAtomic };

export function writeJsonAtomic(path: string, value: unknown): void {
  writeFileAtomic(path, JSON.stringify(value, null, 2) + '\n');
}

export class ResultsFileError extends Error {}

/** Reads and parses a JSON file; a missing file or invalid JSON is a one-line ResultsFileError. */
export function readJsonFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ResultsFileError(`${path}: cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ResultsFileError(`${path}: not valid JSON (${(err as Error).message})`);
  }
}

/** Reads a results file and checks its schema name and version. */
export function readResults<T extends { schema: string; version: number }>(path: string, schema: string, version: number): T {
  const value = readJsonFile(path);
  const v = value as Partial<T>;
  if (typeof v !== 'object' || v === null || v.schema !== schema) throw new ResultsFileError(`${path}: schema is ${JSON.stringify(v?.schema)}, expected "${schema}"`);
  if (v.version !== version) throw new ResultsFileError(`${path}: ${schema} version ${String(v.version)} is not supported (this zoo reads version ${version})`);
  return value as T;
}
