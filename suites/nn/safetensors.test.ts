import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import {
  BatchNorm1d, Embedding, Linear, Module, SafetensorsError, Sequential, StateDictError, fromArray, getBackend, loadModule,
  loadSafetensors, parseSafetensors, readSafetensorsHeader, relu, saveModule, saveSafetensors, serializeSafetensors, tensor,
  Generator, type Tensor,
} from '../../engine/index.js';

const dir = mkdtempSync(join(tmpdir(), 'zoo-safetensors-'));
const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'safetensors');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The raw bytes of a tensor's storage (bit-level comparisons, NaN payloads and -0 included). */
const rawBytes = (t: Tensor): Uint8Array => {
  const d = t.dataSync();
  return new Uint8Array(d.buffer.slice(d.byteOffset, d.byteOffset + d.byteLength));
};

/** A safetensors image from a header (object or literal JSON text) and a data buffer, padded as the spec recommends. */
function image(header: object | string | Uint8Array, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  const raw = header instanceof Uint8Array ? header : new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const h = new Uint8Array(Math.ceil(raw.length / 8) * 8).fill(0x20);
  h.set(raw);
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
  out.set(h, 8);
  out.set(data, 8 + h.length);
  return out;
}

const f32Bytes = (values: number[]) => new Uint8Array(new Float32Array(values).buffer);
const entry = (dtype: string, shape: number[], begin: number, end: number) => ({ dtype, shape, data_offsets: [begin, end] });

function write(name: string, bytes: Uint8Array): string {
  const p = join(dir, name);
  writeFileSync(p, bytes);
  return p;
}

/** Asserts that `fn` throws a SafetensorsError whose message names the file and matches `problem`. */
function expectProblem(fn: () => unknown, file: string, problem: RegExp): void {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(SafetensorsError);
  const e = err as SafetensorsError;
  expect(e.file).toBe(file);
  expect(e.message.startsWith(`safetensors: ${file}: `)).toBe(true);
  expect(e.message).toMatch(problem);
}

describe('safetensors byte layout', () => {
  // Hand-built per the spec: u64 LE header length, JSON header padded with spaces to a multiple of
  // 8, then the 2x2 float32 tensor [[1, 2], [3, 4]] as 16 little-endian bytes.
  const header = '{"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]}}';
  const padded = header + ' '.repeat((8 - (header.length % 8)) % 8);
  const expected = new Uint8Array([
    ...new Uint8Array(new BigUint64Array([BigInt(padded.length)]).buffer),
    ...new TextEncoder().encode(padded),
    0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0x40, 0x00, 0x00, 0x40, 0x40, 0x00, 0x00, 0x80, 0x40, // 1, 2, 3, 4 as f32 LE
  ]);

  test('a hand-built 2x2 F32 file parses to its values', () => {
    const { w } = parseSafetensors(expected);
    expect(w!.shape).toEqual([2, 2]);
    expect(w!.dtype).toBe('float32');
    expect(w!.toArray()).toEqual([[1, 2], [3, 4]]);
  });

  test('serializing the same tensor gives exactly those bytes', async () => {
    const bytes = await serializeSafetensors({ w: tensor([[1, 2], [3, 4]]) });
    expect(Array.from(bytes)).toEqual(Array.from(expected));
  });

  test('keys are sorted, data is laid out in key order, the header is padded to 8 bytes', async () => {
    const bytes = await serializeSafetensors({ b: tensor([1, 2, 3]), a: tensor([1], { dtype: 'float64' }), c: tensor([true, false]) }, { z: '1', format: 'pt' });
    const h = readSafetensorsHeader(bytes);
    expect(h.dataStart % 8).toBe(0);
    expect(h.entries.map((e) => [e.name, e.dtype, e.dataOffsets])).toEqual([['a', 'F64', [0, 8]], ['b', 'F32', [8, 20]], ['c', 'BOOL', [20, 22]]]);
    expect(h.metadata).toEqual({ format: 'pt', z: '1' });
    const text = new TextDecoder().decode(bytes.subarray(8, h.dataStart));
    expect(text.startsWith('{"__metadata__":{"format":"pt","z":"1"},"a":')).toBe(true);
    expect(text.endsWith('}') || /} +$/.test(text)).toBe(true);
  });
});

describe('safetensors round trip', () => {
  const tensors = () => ({
    // float32 edge values: -0, ±Inf, the smallest subnormal, the largest finite, NaN
    'f32': fromArray(new Float32Array([-0, Infinity, -Infinity, 1.401298464324817e-45, 3.4028234663852886e38, NaN]), [2, 3], 'float32'),
    'f64': fromArray(new Float64Array([Math.PI, -Number.MIN_VALUE, Number.MAX_VALUE, 1 / 3]), [4], 'float64'),
    'i32': tensor([[-2147483648, 0], [1, 2147483647]], { dtype: 'int32' }),
    'mask': tensor([[true, false, true]]),
    'scalar': tensor(0.1, { dtype: 'float64' }),
    'empty': tensor([], { dtype: 'float32', shape: [0, 3] }),
    'blocks.0.attn.qkv.weight': tensor([[1, 2]]),
  });

  test('saveSafetensors then loadSafetensors is bit for bit, with metadata', async () => {
    const src = tensors();
    const path = join(dir, 'roundtrip.safetensors');
    await saveSafetensors(path, src, { format: 'pt' });
    const back = loadSafetensors(path);
    expect(Object.keys(back).sort()).toEqual(Object.keys(src).sort());
    for (const [k, t] of Object.entries(src)) {
      expect(back[k]!.shape, k).toEqual(t.shape);
      expect(back[k]!.dtype, k).toBe(t.dtype);
      expect(Array.from(rawBytes(back[k]!)), k).toEqual(Array.from(rawBytes(t)));
    }
    expect(readSafetensorsHeader(readFileSync(path), path).metadata).toEqual({ format: 'pt' });
  });

  test('saving is atomic: no temp file is left, and a second save replaces the file whole', async () => {
    const path = join(dir, 'atomic', 'w.safetensors');
    await saveSafetensors(path, { a: tensor([1, 2]) });
    await saveSafetensors(path, { b: tensor([3]) });
    expect(readdirSync(join(dir, 'atomic'))).toEqual(['w.safetensors']);
    expect(Object.keys(loadSafetensors(path))).toEqual(['b']);
  });

  test('a file written by the reference implementation (Python safetensors) reads back its values', () => {
    const path = join(FIXTURES, 'dtypes.safetensors');
    const t = loadSafetensors(path);
    expect(t['f32']!.toArray()).toEqual([[-1, -0.5, 0], [0.5, 1, 1.5]]); // arange(6)*0.5 - 1
    expect(Array.from(t['f64']!.dataSync())).toEqual([1, 1 / 2, 1 / 3, 1 / 4]); // 1/arange(1,5), exact in f64
    expect(t['i32']!.toArray()).toEqual([[-2147483648, 0], [7, 2147483647]]);
    expect(t['mask']!.dtype).toBe('bool');
    expect(t['mask']!.toArray()).toEqual([1, 0, 1]);
    // NOTE: I64 reads as int32 when the values fit
    expect(t['steps']!.dtype).toBe('int32');
    expect(t['steps']!.shape).toEqual([]);
    expect(t['steps']!.item()).toBe(7);
    expect(t['ids']!.toArray()).toEqual([-3, 0, 2147483647]);
    expect(t['scalar']!.item()).toBe(2.5);
    expect(t['empty']!.shape).toEqual([0, 3]);
    expect(readSafetensorsHeader(readFileSync(path), path).metadata).toEqual({ format: 'pt', source: 'zoo fixture' });
  });

  test('torch state dict (Linear, ReLU, BatchNorm1d) loads into the same zoo model and gives torch\'s eval output', () => {
    const fixture = JSON.parse(readFileSync(join(FIXTURES, 'mlp.json'), 'utf8')) as { input: number[][]; output: number[][] };
    const model = new Sequential(new Linear(3, 4), relu, new BatchNorm1d(4));
    loadModule(model, join(FIXTURES, 'mlp.safetensors'));
    expect(model.stateDict()['2.num_batches_tracked']!.item()).toBe(1);
    model.eval();
    const y = model.forward(tensor(fixture.input)).toArray() as number[][];
    y.flat().forEach((v, i) => expect(v).toBeCloseTo(fixture.output.flat()[i]!, 6));
  });
});

describe('malformed safetensors files raise SafetensorsError naming the file and the problem', () => {
  const good = image({ w: entry('F32', [2, 2], 0, 16) }, f32Bytes([1, 2, 3, 4]));
  const cases: [string, Uint8Array, RegExp][] = [
    ['shorter than 8 bytes', new Uint8Array([1, 0, 0]), /the file is 3 bytes, shorter than the 8-byte header length/],
    ['header length beyond the file', good.slice(0, 20), /the header length \d+ exceeds the 12 bytes after the length prefix/],
    ['truncated data (a header that promises more)', good.slice(0, good.length - 4), /tensor 'w': data_offsets \[0, 16\] end beyond the 12-byte data buffer/],
    ['header not UTF-8', image(new Uint8Array([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d])), /the header is not valid UTF-8/],
    ['bad JSON', image('{"w": {"dtype": "F32",'), /the header is not valid JSON/],
    ['JSON that is not an object', image('[1, 2]'), /the header is JSON array, not an object/],
    ['duplicate tensor names', image('{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', f32Bytes([1])), /repeats the key 'w'/],
    ['unknown dtype', image({ w: entry('F99', [1], 0, 4) }, f32Bytes([1])), /tensor 'w': unknown dtype "F99"/],
    ['unsupported dtype', image({ h: entry('F16', [2], 0, 4) }, new Uint8Array(4)), /tensor 'h': dtype F16 is not supported/],
    ['negative shape', image({ w: entry('F32', [-1], 0, 4) }, f32Bytes([1])), /tensor 'w': shape \[-1\] is not an array of non-negative integers/],
    ['fractional shape', image({ w: entry('F32', [1.5], 0, 4) }, f32Bytes([1])), /shape \[1.5\] is not an array/],
    ['shape not an array', image({ w: { dtype: 'F32', shape: 4, data_offsets: [0, 4] } }, f32Bytes([1])), /shape 4 is not an array/],
    ['begin > end', image({ w: entry('F32', [1], 4, 0) }, f32Bytes([1])), /data_offsets \[4,0\] is not \[begin, end\]/],
    ['offsets not a pair', image({ w: { dtype: 'F32', shape: [1], data_offsets: [0] } }, f32Bytes([1])), /data_offsets \[0\] is not \[begin, end\]/],
    ['missing offsets', image({ w: { dtype: 'F32', shape: [1] } }, f32Bytes([1])), /data_offsets undefined is not \[begin, end\]/],
    ['byte length != numel * itemsize', image({ w: entry('F32', [2, 2], 0, 12) }, f32Bytes([1, 2, 3])), /shape \(2,2\) of F32 needs 16 bytes but data_offsets \[0, 12\] span 12/],
    ['overlapping ranges', image({ a: entry('F32', [2], 0, 8), b: entry('F32', [2], 4, 12) }, f32Bytes([1, 2, 3])), /tensors 'a' \[0, 8\) and 'b' \[4, 12\) overlap/],
    ['a gap between tensors', image({ a: entry('F32', [1], 0, 4), b: entry('F32', [1], 8, 12) }, f32Bytes([1, 2, 3])), /bytes \[4, 8\) of the data buffer belong to no tensor/],
    ['trailing bytes', image({ a: entry('F32', [1], 0, 4) }, f32Bytes([1, 2])), /4 trailing bytes \[4, 8\)/],
    ['metadata not strings', image({ __metadata__: { n: 3 }, a: entry('F32', [1], 0, 4) }, f32Bytes([1])), /__metadata__ 'n' is 3, not a string/],
    ['entry not an object', image({ a: 'F32' }), /tensor 'a': the entry is "F32", not an object/],
    ['I64 beyond int32', image({ n: entry('I64', [1], 0, 8) }, new Uint8Array(new BigInt64Array([2n ** 40n]).buffer)), /tensor 'n': I64 element 0 = 1099511627776 does not fit in int32/],
    ['BOOL byte other than 0/1', image({ m: entry('BOOL', [2], 0, 2) }, new Uint8Array([1, 2])), /tensor 'm': BOOL element 1 is the byte 2/],
    ['header length far too large', (() => { const b = new Uint8Array(16); new DataView(b.buffer).setBigUint64(0, 2n ** 63n, true); return b; })(), /header length 9223372036854775808 exceeds the 8 bytes/],
  ];

  test.each(cases)('%s', (_, bytes, problem) => {
    const path = write('bad.safetensors', bytes);
    expectProblem(() => loadSafetensors(path), path, problem);
    expectProblem(() => parseSafetensors(bytes), '<bytes>', problem);
  });

  test('the good image those cases start from is valid', () => {
    expect(parseSafetensors(good)['w']!.toArray()).toEqual([[1, 2], [3, 4]]);
  });

  test('a missing file names the file and the OS error', () => {
    const path = join(dir, 'nope.safetensors');
    expectProblem(() => loadSafetensors(path), path, /cannot read the file \(ENOENT\)/);
  });

  test('zero-size tensors may share an offset; a zero-size tensor inside another one is an overlap', () => {
    const ok = image({ e: entry('F32', [0], 0, 0), a: entry('F32', [1], 0, 4), z: entry('F32', [0, 2], 4, 4) }, f32Bytes([5]));
    expect(parseSafetensors(ok)['a']!.toArray()).toEqual([5]);
    const inside = image({ a: entry('F32', [2], 0, 8), e: entry('F32', [0], 4, 4) }, f32Bytes([1, 2]));
    expectProblem(() => parseSafetensors(inside), '<bytes>', /overlap/);
  });

  test('writing rejects a tensor named __metadata__ and non-string metadata', async () => {
    await expect(serializeSafetensors({ __metadata__: tensor([1]) })).rejects.toThrow(/'__metadata__' is reserved/);
    await expect(serializeSafetensors({ a: tensor([1]) }, { n: 3 as unknown as string })).rejects.toThrow(SafetensorsError);
  });
});

describe('module weights on disk', () => {
  class Net extends Module {
    readonly emb: Embedding;
    readonly body: Sequential;
    constructor(seed: number) {
      super();
      const gen = new Generator(seed);
      this.emb = this.module('emb', new Embedding(5, 3, { paddingIdx: 0, gen }));
      this.body = this.module('body', new Sequential(new Linear(3, 4, { gen }), relu, new BatchNorm1d(4), new Linear(4, 2, { gen, dtype: 'float64' })));
    }
  }
  const snapshot = (m: Module) => Object.fromEntries(Object.entries(m.stateDict()).map(([k, t]) => [k, Array.from(rawBytes(t))]));

  test('stateDict round-trips through a safetensors file bit for bit', async () => {
    const a = new Net(1);
    (a.body.at(2) as BatchNorm1d).forward(tensor([[1, 2, 3, 4], [0, 1, 0, 2]])); // non-trivial running stats
    const path = join(dir, 'net.safetensors');
    await saveModule(a, path, { format: 'pt' });
    const b = new Net(2);
    expect(snapshot(b)).not.toEqual(snapshot(a));
    loadModule(b, path);
    expect(snapshot(b)).toEqual(snapshot(a));
    expect(Object.keys(loadSafetensors(path)).sort()).toEqual(Object.keys(a.stateDict()).sort());
  });

  describe('a failed load leaves the module untouched and leaks nothing', () => {
    const base = new Net(3);
    const path = join(dir, 'base.safetensors');
    const bytes = async () => serializeSafetensors(base.stateDict());

    /** Rewrites the JSON header of a valid image (keeping the data buffer). */
    const rewrite = async (edit: (h: Record<string, { dtype: string; shape: number[]; data_offsets: number[] }>) => void) => {
      const b = await bytes();
      const h = readSafetensorsHeader(b);
      const json = JSON.parse(new TextDecoder().decode(b.subarray(8, h.dataStart)));
      edit(json);
      return image(json, b.subarray(h.dataStart));
    };

    const broken: [string, () => Promise<Uint8Array>, RegExp][] = [
      ['truncated file', async () => (await bytes()).slice(0, -10), /end beyond the \d+-byte data buffer/],
      ['truncated header', async () => (await bytes()).slice(0, 40), /exceeds the 32 bytes after the length prefix/],
      ['a header that lies about offsets', () => rewrite((h) => { h['body.0.bias']!.data_offsets[1]! += 4; }), /tensor 'body.0.bias': shape \(4\) of F32 needs 16 bytes but data_offsets \[0, 20\] span 20/],
      ['bad JSON', async () => { const b = await bytes(); b[9] = 0x7d; return b; }, /not valid JSON/],
      ['unknown dtype', () => rewrite((h) => { h['body.0.bias']!.dtype = 'Q8'; }), /tensor 'body.0.bias': unknown dtype "Q8"/],
      ['wrong dtype for the module (F32 tensor stored as I32)', () => rewrite((h) => { h['body.0.bias']!.dtype = 'I32'; }), /does not fit Net: body.0.bias: dtype int32 in the state dict, float32 in the module/],
      ['wrong shape for the module', () => rewrite((h) => { h['body.0.weight']!.shape = [3, 4]; }), /does not fit Net: body.0.weight: shape \(3,4\) in the state dict, \(4,3\) in the module/],
      ['overlapping offsets', () => rewrite((h) => { h['body.0.weight']!.data_offsets = [0, 48]; }), /tensors 'body.0.bias' \[0, 16\) and 'body.0.weight' \[0, 48\) overlap/],
      ['a missing key', () => { const { ['body.3.bias']: _, ...rest } = base.stateDict(); return serializeSafetensors(rest); }, /missing keys: body.3.bias/],
    ];

    test.each(broken)('%s', async (_, make, problem) => {
      const file = write('broken.safetensors', await make());
      const target = new Net(4);
      const before = snapshot(target);
      const live = getBackend('ref').memory().liveBuffers;
      expectProblem(() => loadModule(target, file), file, problem);
      expect(snapshot(target)).toEqual(before);
      expect(getBackend('ref').memory().liveBuffers).toBe(live);
    });

    test('a StateDictError behind a module mismatch is kept as the cause', async () => {
      await saveSafetensors(path, { unrelated: tensor([1]) });
      let err: unknown;
      try {
        loadModule(new Net(5), path);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(SafetensorsError);
      expect((err as Error).cause).toBeInstanceOf(StateDictError);
      expect((err as Error).message).toMatch(/unexpected keys: unrelated/);
    });

    test('strict: false loads the keys present and ignores the rest', async () => {
      await saveSafetensors(path, { 'body.0.bias': tensor([9, 9, 9, 9]), extra: tensor([1]) });
      const m = new Net(6);
      loadModule(m, path, { strict: false });
      expect(m.stateDict()['body.0.bias']!.toArray()).toEqual([9, 9, 9, 9]);
    });
  });
});
