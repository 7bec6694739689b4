// safetensors, the weights format of PyTorch and the Hugging Face ecosystem.
// Spec: https://github.com/huggingface/safetensors (README, "Format").
//   [8 bytes: header length N, little-endian u64] [N bytes: UTF-8 JSON header] [data buffer]
//   header = { "__metadata__"?: { string: string }, name: { dtype, shape, data_offsets: [begin, end] }, ... }
// Offsets are relative to the start of the data buffer; each tensor is contiguous, little-endian,
// row-major; the tensors cover the buffer exactly (no gaps, no overlaps, no trailing bytes).
// Reading validates the whole header and every offset before a single tensor is created; every
// problem is a SafetensorsError naming the file and the problem.
// NOTE dtypes: F32, F64, I32 and BOOL are zoo's float32, float64, int32 and bool. I64 (torch's
// default integer type, e.g. BatchNorm's num_batches_tracked) is read as int32 when every value
// fits, and is an error otherwise; any other dtype (F16, BF16, U8, ...) is an error naming the
// tensor and the dtype. Writing uses F32, F64, I32 and BOOL only.
import { readFileSync } from 'node:fs';
import type { Backend } from '../backend.js';
import { fromArray } from '../creation.js';
import { itemSize, type DType, type TypedArray } from '../dtype.js';
import { ZooError, fmtShape } from '../errors.js';
import { writeFileAtomic } from '../io.js';
import type { Tensor } from '../tensor.js';
import { StateDictError, type Module } from './module.js';

/** A malformed or unreadable safetensors file, or one that does not fit; names the file. */
export class SafetensorsError extends ZooError {
  constructor(readonly file: string, detail: string, cause?: unknown) {
    super('safetensors', `${file}: ${detail}`);
    if (cause !== undefined) this.cause = cause;
  }
}

/** Bytes per element of every dtype of the format (including the ones zoo cannot hold). */
const ITEM_SIZE: Readonly<Record<string, number>> = {
  BOOL: 1, U8: 1, I8: 1, F8_E5M2: 1, F8_E4M3: 1, F8_E8M0: 1, I16: 2, U16: 2, F16: 2, BF16: 2,
  I32: 4, U32: 4, F32: 4, C64: 8, F64: 8, I64: 8, U64: 8,
};
const TO_ZOO: Readonly<Record<string, DType>> = { F32: 'float32', F64: 'float64', I32: 'int32', BOOL: 'bool', I64: 'int32' };
const FROM_ZOO: Readonly<Record<DType, string>> = { float32: 'F32', float64: 'F64', int32: 'I32', bool: 'BOOL' };
/** The reference implementation refuses larger headers; so do we (a lying length cannot make us allocate). */
const MAX_HEADER_BYTES = 100_000_000;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const INT32_MIN = -2147483648n, INT32_MAX = 2147483647n;

export interface SafetensorsEntry {
  readonly name: string;
  /** The format's dtype string (F32, I64, ...). */
  readonly dtype: string;
  readonly shape: readonly number[];
  /** [begin, end) relative to the data buffer. */
  readonly dataOffsets: readonly [number, number];
}

export interface SafetensorsHeader {
  /** In header order. */
  readonly entries: readonly SafetensorsEntry[];
  readonly metadata: Readonly<Record<string, string>>;
  /** Byte offset of the data buffer in the file: 8 + the header length. */
  readonly dataStart: number;
}

const has = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);
const isCount = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const show = (x: unknown): string => JSON.stringify(x) ?? String(x);

/** The first key repeated inside one object of the (valid) JSON `text`; JSON.parse would silently keep the last. */
function duplicateKey(text: string): string | null {
  const stack: (Set<string> | null)[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '{') stack.push(new Set());
    else if (c === '[') stack.push(null);
    else if (c === '}' || c === ']') stack.pop();
    else if (c === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      let k = j + 1;
      while (text[k] === ' ' || text[k] === '\t' || text[k] === '\n' || text[k] === '\r') k++;
      const keys = stack[stack.length - 1];
      if (keys && text[k] === ':') {
        const key = JSON.parse(text.slice(i, j + 1)) as string;
        if (keys.has(key)) return key;
        keys.add(key);
      }
      i = j;
    }
  }
  return null;
}

function parseHeaderJson(bytes: Uint8Array, bad: (d: string) => SafetensorsError): Record<string, unknown> {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw bad('the header is not valid UTF-8');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw bad(`the header is not valid JSON (${(err as Error).message})`);
  }
  if (!isObject(json)) throw bad(`the header is JSON ${Array.isArray(json) ? 'array' : typeof json}, not an object`);
  const dup = duplicateKey(text);
  if (dup !== null) throw bad(`the header repeats the key '${dup}'`);
  return json;
}

function readMetadata(v: unknown, bad: (d: string) => SafetensorsError): Record<string, string> {
  if (v === undefined) return {};
  if (!isObject(v)) throw bad(`__metadata__ is ${show(v)}, not an object of strings`);
  for (const [k, s] of Object.entries(v)) if (typeof s !== 'string') throw bad(`__metadata__ '${k}' is ${show(s)}, not a string`);
  return v as Record<string, string>;
}

function readEntry(name: string, v: unknown, bufferBytes: number, bad: (d: string) => SafetensorsError): SafetensorsEntry {
  const where = `tensor '${name}'`;
  if (!isObject(v)) throw bad(`${where}: the entry is ${show(v)}, not an object`);
  const { dtype, shape, data_offsets: offsets } = v;
  if (typeof dtype !== 'string' || !has(ITEM_SIZE, dtype)) throw bad(`${where}: unknown dtype ${show(dtype)}`);
  if (!Array.isArray(shape) || !shape.every(isCount)) throw bad(`${where}: shape ${show(shape)} is not an array of non-negative integers`);
  const [begin, end] = Array.isArray(offsets) && offsets.length === 2 && offsets.every(isCount) ? (offsets as [number, number]) : [-1, -1];
  if (begin < 0 || begin > end) throw bad(`${where}: data_offsets ${show(offsets)} is not [begin, end] with integers 0 <= begin <= end`);
  if (end > bufferBytes) throw bad(`${where}: data_offsets [${begin}, ${end}] end beyond the ${bufferBytes}-byte data buffer (truncated file, or a header that lies)`);
  const need = (shape as number[]).reduce((a, d) => a * d, 1) * ITEM_SIZE[dtype]!;
  if (need !== end - begin) {
    throw bad(`${where}: shape ${fmtShape(shape as number[])} of ${dtype} needs ${need} bytes but data_offsets [${begin}, ${end}] span ${end - begin}`);
  }
  return { name, dtype, shape: shape as number[], dataOffsets: [begin, end] };
}

/** The tensors must tile the data buffer exactly, as the format requires. */
function checkCoverage(entries: readonly SafetensorsEntry[], bufferBytes: number, bad: (d: string) => SafetensorsError): void {
  const sorted = [...entries].sort((a, b) => a.dataOffsets[0] - b.dataOffsets[0] || a.dataOffsets[1] - b.dataOffsets[1]);
  const range = (e: SafetensorsEntry) => `'${e.name}' [${e.dataOffsets[0]}, ${e.dataOffsets[1]})`;
  let cursor = 0;
  let prev: SafetensorsEntry | null = null;
  for (const e of sorted) {
    const [begin, end] = e.dataOffsets;
    if (begin < cursor) throw bad(`tensors ${range(prev!)} and ${range(e)} overlap`);
    if (begin > cursor) throw bad(`bytes [${cursor}, ${begin}) of the data buffer belong to no tensor (the format allows no gaps)`);
    cursor = end;
    prev = e;
  }
  if (cursor !== bufferBytes) throw bad(`${bufferBytes - cursor} trailing bytes [${cursor}, ${bufferBytes}) of the data buffer belong to no tensor`);
}

/** Reads and validates the header of a safetensors image: lengths, JSON, dtypes, shapes, every offset. */
export function readSafetensorsHeader(bytes: Uint8Array, file = '<bytes>'): SafetensorsHeader {
  const bad = (detail: string) => new SafetensorsError(file, detail);
  if (bytes.length < 8) throw bad(`the file is ${bytes.length} bytes, shorter than the 8-byte header length (truncated?)`);
  const n = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (n > BigInt(bytes.length - 8)) throw bad(`the header length ${n} exceeds the ${bytes.length - 8} bytes after the length prefix (truncated?)`);
  if (n > BigInt(MAX_HEADER_BYTES)) throw bad(`the header length ${n} exceeds the limit of ${MAX_HEADER_BYTES} bytes`);
  const dataStart = 8 + Number(n);
  const json = parseHeaderJson(bytes.subarray(8, dataStart), bad);
  const metadata = readMetadata(json['__metadata__'], bad);
  const bufferBytes = bytes.length - dataStart;
  const entries = Object.entries(json).filter(([k]) => k !== '__metadata__').map(([k, v]) => readEntry(k, v, bufferBytes, bad));
  checkCoverage(entries, bufferBytes, bad);
  return { entries, metadata, dataStart };
}

/** Reverses the byte order of each `width`-byte element (only needed on big-endian hosts). */
function swapBytes(bytes: Uint8Array, width: number): Uint8Array {
  if (LITTLE_ENDIAN || width === 1) return bytes;
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i += width) for (let k = 0; k < width; k++) out[i + k] = bytes[i + width - 1 - k]!;
  return out;
}

/** The values of one validated entry in zoo's storage type, copied out of the file image. */
function decodeEntry(bytes: Uint8Array, dataStart: number, e: SafetensorsEntry, bad: (d: string) => SafetensorsError): TypedArray {
  const [begin, end] = e.dataOffsets;
  const copy = new Uint8Array(end - begin);
  copy.set(bytes.subarray(dataStart + begin, dataStart + end));
  const raw = swapBytes(copy, ITEM_SIZE[e.dtype]!).buffer as ArrayBuffer;
  switch (e.dtype) {
    case 'F32': return new Float32Array(raw);
    case 'F64': return new Float64Array(raw);
    case 'I32': return new Int32Array(raw);
    case 'BOOL': {
      const v = new Uint8Array(raw);
      const i = v.findIndex((b) => b > 1);
      if (i >= 0) throw bad(`tensor '${e.name}': BOOL element ${i} is the byte ${v[i]}, not 0 or 1`);
      return v;
    }
    case 'I64': {
      const v = new BigInt64Array(raw);
      const i = v.findIndex((x) => x < INT32_MIN || x > INT32_MAX);
      if (i >= 0) throw bad(`tensor '${e.name}': I64 element ${i} = ${v[i]} does not fit in int32 (zoo reads I64 as int32)`);
      return Int32Array.from(v, (x) => Number(x));
    }
    default:
      throw bad(`tensor '${e.name}': dtype ${e.dtype} is not supported (zoo reads F32, F64, I32, BOOL, and I64 whose values fit in int32)`);
  }
}

export interface LoadSafetensorsOptions {
  /** Where the tensors are created (default: the default backend). */
  backend?: Backend | string;
  /** Names the source in errors (default '<bytes>'; loadSafetensors passes the path). */
  file?: string;
}

/** Tensors of a safetensors image. Everything is validated and decoded before any tensor is created. */
export function parseSafetensors(bytes: Uint8Array, opts: LoadSafetensorsOptions = {}): Record<string, Tensor> {
  const file = opts.file ?? '<bytes>';
  const bad = (detail: string) => new SafetensorsError(file, detail);
  const header = readSafetensorsHeader(bytes, file);
  const decoded = header.entries.map((e) => [e, decodeEntry(bytes, header.dataStart, e, bad)] as const);
  const backend = opts.backend === undefined ? {} : { backend: opts.backend };
  return Object.fromEntries(decoded.map(([e, data]) => [e.name, fromArray(data, e.shape, TO_ZOO[e.dtype]!, backend)]));
}

/** Reads a safetensors file; a missing, truncated or malformed file is a SafetensorsError naming it. */
export function loadSafetensors(path: string, opts: Omit<LoadSafetensorsOptions, 'file'> = {}): Record<string, Tensor> {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new SafetensorsError(path, `cannot read the file (${(err as NodeJS.ErrnoException).code ?? String(err)})`, err);
  }
  return parseSafetensors(bytes, { ...opts, file: path });
}

/**
 * The safetensors image of `tensors`: keys sorted, data laid out in key order, header padded with
 * spaces to a multiple of 8 bytes (so every tensor starts 8-byte aligned in the file).
 */
export async function serializeSafetensors(
  tensors: Readonly<Record<string, Tensor>>,
  metadata: Readonly<Record<string, string>> = {},
  file = '<bytes>',
): Promise<Uint8Array> {
  const names = Object.keys(tensors).sort();
  if (names.includes('__metadata__')) throw new SafetensorsError(file, "'__metadata__' is reserved and cannot name a tensor");
  for (const [k, v] of Object.entries(metadata)) {
    if (typeof v !== 'string') throw new SafetensorsError(file, `metadata '${k}' is ${show(v)}, not a string`);
  }
  const data = await Promise.all(names.map((n) => tensors[n]!.data()));
  const fields: string[] = [];
  const metaKeys = Object.keys(metadata).sort();
  if (metaKeys.length) fields.push(`"__metadata__":{${metaKeys.map((k) => `${JSON.stringify(k)}:${JSON.stringify(metadata[k])}`).join(',')}}`);
  let offset = 0;
  names.forEach((n, i) => {
    const t = tensors[n]!, bytes = data[i]!.length * itemSize(t.dtype);
    fields.push(`${JSON.stringify(n)}:${JSON.stringify({ dtype: FROM_ZOO[t.dtype], shape: t.shape, data_offsets: [offset, offset + bytes] })}`);
    offset += bytes;
  });
  const json = new TextEncoder().encode(`{${fields.join(',')}}`);
  const headerBytes = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + headerBytes + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerBytes);
  let at = 8 + headerBytes;
  for (const [i, n] of names.entries()) {
    const d = data[i]!;
    out.set(swapBytes(new Uint8Array(d.buffer, d.byteOffset, d.byteLength), itemSize(tensors[n]!.dtype)), at);
    at += d.byteLength;
  }
  return out;
}

/** Writes `tensors` as a safetensors file, atomically (temp file, fsync, rename). */
export async function saveSafetensors(
  path: string,
  tensors: Readonly<Record<string, Tensor>>,
  metadata: Readonly<Record<string, string>> = {},
): Promise<void> {
  writeFileAtomic(path, await serializeSafetensors(tensors, metadata, path));
}

/** Saves a module's state dict (parameters and buffers by dotted name) as a safetensors file. */
export async function saveModule(module: Module, path: string, metadata: Readonly<Record<string, string>> = {}): Promise<void> {
  await saveSafetensors(path, module.stateDict(), metadata);
}

/**
 * Loads a safetensors file into a module, all or nothing: the file is fully validated, then the
 * state dict is checked against the module (keys, shapes, dtypes), and only then are values
 * copied. On any problem a SafetensorsError names the file and the module is unchanged.
 */
export function loadModule(module: Module, path: string, opts: { strict?: boolean } = {}): void {
  const own = Object.values(module.stateDict());
  const tensors = loadSafetensors(path, own[0] ? { backend: own[0].backend } : {});
  try {
    module.loadStateDict(tensors, opts);
  } catch (err) {
    if (!(err instanceof StateDictError)) throw err;
    throw new SafetensorsError(path, `does not fit ${module.constructor.name}: ${err.problems.join('; ')}`, err);
  } finally {
    for (const t of Object.values(tensors)) t.dispose();
  }
}
