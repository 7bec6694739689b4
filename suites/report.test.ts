// zoo report: rendered from fixture results files and opened in headless Chromium (playwright-core
// driving Debian's chromium, network disabled): charts draw, tables hold one row per op, injected
// markup stays text. Bad input exits 2 with one line.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ResultsFileError } from '../reports/io.js';
import { renderReport } from '../reports/render/index.js';

const ROOT = join(import.meta.dirname, '..');
const FIX = join(ROOT, 'suites', 'fixtures', 'reports');
const fx = (name: string) => join(FIX, name);
const OUT = join(ROOT, 'out');
const BIN = join(ROOT, 'dist', 'cli', 'zoo.js');
const CHROMIUM = '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const GENERATED = '2026-11-22T00:00:00.000Z';

if (!HAVE_CHROMIUM && !process.env['CI']) console.warn(`report.test.ts: ${CHROMIUM} is missing: the browser tests are SKIPPED (apt-get install -y chromium; CI installs it in .ci/run)`);

const checkOps = (): string[] => (JSON.parse(readFileSync(fx('check.json'), 'utf8')) as { results: { op: string }[] }).results.map((r) => r.op);
const parityOps = (): string[] => (JSON.parse(readFileSync(fx('parity.json'), 'utf8')) as { results: { op: string }[] }).results.map((r) => r.op);

// -- injection fixture: every string field of every results file carries markup -------------------

const PAYLOADS = ['<script>window.__pwned=1</script>', '"><img src=x onerror=window.__pwned=1>', '</script><script>window.__pwned=1</script>'];

/** Replaces every string value (and the keys of string-keyed maps) with a payload, keeping schema/kind. */
function inject(value: unknown, key = '', n = { i: 0 }): unknown {
  if (typeof value === 'string') return key === 'schema' || key === 'kind' ? value : `${value}${PAYLOADS[n.i++ % PAYLOADS.length]}`;
  if (Array.isArray(value)) return value.map((v) => inject(v, '', n));
  if (value && typeof value === 'object') {
    const mapKeys = key === 'fallbacks' || key === 'details';
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [mapKeys ? `${k}${PAYLOADS[n.i++ % PAYLOADS.length]}` : k, inject(v, k, n)]));
  }
  return value;
}

function writeInjected(dir: string): string[] {
  return ['check.json', 'parity.json', 'bench.json'].map((name) => {
    const path = join(dir, `evil-${name}`);
    writeFileSync(path, JSON.stringify(inject(JSON.parse(readFileSync(fx(name), 'utf8')))));
    return path;
  });
}

// -- rendering in-process -----------------------------------------------------------------------

describe('zoo report renders', () => {
  const html = renderReport([fx('check.json'), fx('parity.json'), fx('bench-base.json'), fx('bench.json')], { format: 'html', title: 'fixture report', generated: GENERATED });

  test('a self-contained page: chart.js inlined, no external URL in any src or href', () => {
    expect(html).toMatch(/<script>[^]*Chart[^]*<\/script>/);
    expect(html).not.toMatch(/\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?\/\//i);
    expect(html).not.toMatch(/<link\b/i);
    for (const id of ['summary', 'correctness', 'performance', 'comparison', 'environment']) expect(html).toContain(`<section id="${id}">`);
  });

  test('the summary says which backend is fastest for gpt training, by how much, and that a kernel failed', () => {
    const summary = /<section id="summary">([^]*?)<\/section>/.exec(html)![1]!;
    expect(summary).toMatch(/gpt training \(tiny, batch 2, seq 16\): native is fastest at [\d.k]+ tokens\/s, [\d.]+× ref .*[\d.]+× webgpu/);
    expect(summary).toMatch(/native [\d.]+% of its measured peak FLOP\/s/);
    expect(summary).toMatch(/1 of 12 ops FAILED the gradient check on ref: /);
    expect(summary).toContain('All 6 ops passed the parity check of webgpu');
  });

  test('markdown: the same summary, failure replay and comparison as tables', () => {
    const md = renderReport([fx('check.json'), fx('bench-base.json'), fx('bench.json')], { format: 'md', title: 'PR 12', generated: GENERATED });
    expect(md).toMatch(/^## PR 12\n\n### Summary\n\n- gpt training/);
    expect(md).toMatch(/\*\*1 of 12 ops FAILED/);
    expect(md).toMatch(/\| \w+ \| ref \| VJP differs [^|]* \| zoo check --op \w+ --seed 42 --path 3:1:0 \|/);
    expect(md).toContain('### Benchmark comparison');
    expect(md).toMatch(/\| benchmark \| backend \| throughput \[95% CI\] \|/);
    expect(md).not.toContain('<script');
  });

  test('markdown escapes markup from results files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'zoo-report-'));
    const md = renderReport(writeInjected(dir), { format: 'md', generated: GENERATED });
    expect(md).toContain('&lt;script&gt;window.__pwned=1&lt;/script&gt;');
    expect(md).not.toMatch(/<script|<img/);
  });

  test.each([
    ['a missing file', () => join(tmpdir(), 'no-such-results.json'), /cannot read \(ENOENT\)/],
    ['a file that is not JSON', (d: string) => (writeFileSync(join(d, 'x.json'), '{nope'), join(d, 'x.json')), /not valid JSON/],
    ['an unknown schema', (d: string) => (writeFileSync(join(d, 'x.json'), '{"schema":"zoo.other","version":1}'), join(d, 'x.json')), /schema is "zoo.other", expected one of "zoo.check", "zoo.bench", "zoo.parity"/],
    ['an unsupported version', (d: string) => (writeFileSync(join(d, 'x.json'), '{"schema":"zoo.bench","version":9}'), join(d, 'x.json')), /zoo.bench version 9 is not supported/],
    ['a bench file without benchmarks', (d: string) => (writeFileSync(join(d, 'x.json'), '{"schema":"zoo.bench","version":1}'), join(d, 'x.json')), /has no benchmarks array/],
  ])('rejects %s with a ResultsFileError naming the file', (_what, make, message) => {
    const path = make(mkdtempSync(join(tmpdir(), 'zoo-report-')));
    expect(() => renderReport([path], { format: 'html' })).toThrow(ResultsFileError);
    expect(() => renderReport([path], { format: 'html' })).toThrow(message);
  });
});

// -- the CLI ------------------------------------------------------------------------------------

describe('zoo report (CLI)', () => {
  const zoo = (args: string[]) => {
    const r = spawnSync(process.execPath, [BIN, 'report', ...args], { encoding: 'utf8', timeout: 60_000 });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };
  const built = existsSync(join(ROOT, 'dist', 'cli', 'report.js'));
  test.skipIf(!built && !process.env['CI'])('writes the page atomically and exits 0', () => {
    const dir = mkdtempSync(join(tmpdir(), 'zoo-report-'));
    const r = zoo([fx('check.json'), fx('bench.json'), '-o', join(dir, 'r.html'), '--title', 'CLI']);
    expect(r.code, r.err).toBe(0);
    expect(readFileSync(join(dir, 'r.html'), 'utf8')).toContain('<title>CLI</title>');
    const md = zoo([fx('bench.json'), '--base', fx('bench-base.json'), '--format', 'md']);
    expect(md.code, md.err).toBe(0);
    expect(md.out).toContain('### Benchmark comparison');
  });
  test.skipIf(!built && !process.env['CI'])('bad input exits 2 with one line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'zoo-report-'));
    writeFileSync(join(dir, 'bad.json'), 'not json');
    writeFileSync(join(dir, 'old.json'), '{"schema":"zoo.check","version":0}');
    for (const args of [[join(dir, 'missing.json')], [join(dir, 'bad.json')], [join(dir, 'old.json')], [fx('check.json'), '--format', 'pdf'], [fx('check.json'), '--base', fx('check.json')]]) {
      const r = zoo([...args, '-o', join(dir, 'r.html')]);
      expect(r.code, `${args.join(' ')}: ${r.err}`).toBe(2);
      expect(r.err.trim().split('\n')).toHaveLength(1);
      expect(r.err).toMatch(/^zoo: /);
    }
    expect(existsSync(join(dir, 'r.html'))).toBe(false);
  });
});

// -- in a real browser --------------------------------------------------------------------------

test('chromium is installed where CI needs it', () => {
  if (process.env['CI']) expect(HAVE_CHROMIUM, `${CHROMIUM} is missing: .ci/run must apt-get install chromium`).toBe(true);
});

describe.skipIf(!HAVE_CHROMIUM)('the report in headless Chromium, offline', () => {
  let context: Awaited<ReturnType<typeof chromium.launchPersistentContext>>;
  let userDir: string;
  beforeAll(async () => {
    userDir = mkdtempSync(join(tmpdir(), 'zoo-chromium-'));
    context = await chromium.launchPersistentContext(userDir, {
      executablePath: CHROMIUM,
      headless: true,
      offline: true,
      viewport: { width: 1280, height: 900 },
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });
  afterAll(async () => {
    await context?.close();
    rmSync(userDir, { recursive: true, force: true });
  });

  async function open(html: string, name: string): Promise<{ page: Page; errors: string[] }> {
    mkdirSync(join(OUT, 'report-test'), { recursive: true });
    const file = join(OUT, 'report-test', name);
    writeFileSync(file, html);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('request', (r) => { if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) errors.push(`network request: ${r.url()}`); });
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    return { page, errors };
  }

  /** Non-transparent pixels of every canvas, read back from its 2D context (a page expression: tsconfig has no DOM lib). */
  const canvasPixels = (page: Page) => page.evaluate<{ id: string; pixels: number }[]>(`[...document.querySelectorAll('canvas')].map((c) => {
    const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] > 0) n++;
    return { id: c.id, pixels: n };
  })`);

  test('draws every chart with no console error, one correctness row per op checked, and a screenshot', async () => {
    const html = renderReport([fx('check.json'), fx('parity.json'), fx('bench-base.json'), fx('bench.json')], { format: 'html', title: 'zoo report: fixture run', generated: GENERATED });
    const { page, errors } = await open(html, 'report.html');
    const charts = await canvasPixels(page);
    expect(charts.map((c) => c.id)).toEqual(expect.arrayContaining(['chart-throughput-gpt-train-tiny-b2-t16', 'chart-throughput-gpt-infer-tiny-b2-t16', 'chart-fraction', 'chart-latency', 'chart-first-run', 'chart-memory', 'chart-roofline', 'chart-delta']));
    expect(await page.evaluate('window.__zooCharts')).toBe(charts.length);
    for (const c of charts) expect(c.pixels, `${c.id} drew nothing`).toBeGreaterThan(500);
    const rows = await page.$$eval('#correctness-table tbody tr', (trs) => trs.map((tr) => `${tr.children[0]!.textContent}/${tr.children[3]!.textContent}`));
    expect(rows.filter((r) => r.endsWith('/gradient')).map((r) => r.split('/')[0]).sort()).toEqual(checkOps().sort());
    expect(rows.filter((r) => r.endsWith('/parity')).map((r) => r.split('/')[0]).sort()).toEqual(parityOps().sort());
    await page.screenshot({ path: join(OUT, 'report-screenshot.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  test('a check-only report has exactly one correctness row per op in the file', async () => {
    const { page, errors } = await open(renderReport([fx('check.json')], { format: 'html', generated: GENERATED }), 'check-only.html');
    expect(await page.locator('#correctness-table tbody tr').count()).toBe(checkOps().length);
    expect(await page.locator('canvas').count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  test('markup in every string field of the results files renders as text and never runs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zoo-report-'));
    const html = renderReport(writeInjected(dir), { format: 'html', title: PAYLOADS[0]!, generated: GENERATED });
    const { page } = await open(html, 'injected.html');
    expect(await page.evaluate('typeof window.__pwned')).toBe('undefined');
    expect(await page.locator('img').count()).toBe(0);
    const text = await page.evaluate<string>('document.body.innerText');
    for (const p of PAYLOADS) expect(text).toContain(p);
    expect(await page.title()).toBe(PAYLOADS[0]);
    await page.close();
  });
});
