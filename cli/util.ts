// Shared CLI plumbing: usage errors (exit 2, one line), option parsers, plain-text tables.
import { InvalidArgumentError } from 'commander';

/** Bad input on the command line: printed as one line, exit code 2. */
export class UsageError extends Error {}

export function parseIntOption(name: string, min = 0) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min) {
      throw new InvalidArgumentError(`${name} must be an integer >= ${min}, got '${value}'`);
    }
    return n;
  };
}

export function parseList(value: string): string[] {
  return value.split(',').map((s) => s.trim()).filter(Boolean);
}

/** Checks every name is one of `valid`; the error lists the valid choices. */
export function checkChoices(what: string, names: readonly string[], valid: readonly string[]): void {
  const bad = names.filter((n) => !valid.includes(n));
  if (bad.length) {
    const shown = valid.length > 12 ? `${valid.slice(0, 12).join(', ')}, … (${valid.length} in all; see 'zoo list')` : valid.join(', ');
    throw new UsageError(`unknown ${what} ${bad.map((b) => `'${b}'`).join(', ')} (valid: ${shown})`);
  }
}

/** Left-aligned text table with a header rule. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export const fmtErr = (x: number): string => (x === 0 ? '0' : x.toExponential(1));
