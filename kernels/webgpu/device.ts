/// <reference types="@webgpu/types" />
// Adapter selection and device creation on Dawn (the `webgpu` npm package, dawn.node).
//
// Policy (logged in every results file through `adapterInfo`):
//  - `adapter` given (option, `--adapter NAME`, or ZOO_WEBGPU_ADAPTER): Dawn's substring match on
//    the adapter's device name (`create(['adapter=NAME'])`).
//  - otherwise the first hardware adapter; when there is none and Chromium's SwiftShader Vulkan
//    ICD is installed (/usr/lib/chromium/vk_swiftshader_icd.json, Debian's `chromium` package),
//    VK_ICD_FILENAMES is pointed at it and the SwiftShader adapter is used.
// NOTE: Dawn rejects Mesa's lavapipe on this kind of machine ("shaderUniform*ArrayDynamicIndexing
// required"), so a GPU-less Linux box gets null from requestAdapter() until SwiftShader is chosen.
// NOTE: the Vulkan loader reads VK_ICD_FILENAMES when Dawn creates its instance, so setting it in
// process.env before the second create() is enough.
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';

export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

export interface DeviceOptions {
  /** Substring of the adapter's device name (Dawn's `adapter=` flag). */
  adapter?: string;
  /** Extra dawn.node flags, e.g. `enable-dawn-features=...`. */
  flags?: readonly string[];
}

/** What every results file records about the adapter. */
export interface AdapterInfo {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  isFallbackAdapter: boolean;
  subgroupMinSize: number | null;
  subgroupMaxSize: number | null;
  features: string[];
  limits: Record<string, number>;
  /** How the adapter was chosen, e.g. "hardware", "SwiftShader (VK_ICD_FILENAMES set by zoo)". */
  selection: string;
  flags: string[];
}

export interface GpuContext {
  gpu: GPU;
  adapter: GPUAdapter;
  device: GPUDevice;
  info: AdapterInfo;
  features: ReadonlySet<string>;
}

/** Features requested whenever the adapter offers them. */
const WANTED_FEATURES = ['timestamp-query', 'subgroups', 'shader-f16'] as const;
/** Limits raised to what the adapter offers (the WebGPU defaults are lower, kernels.md §2.2). */
const WANTED_LIMITS = [
  'maxStorageBufferBindingSize', 'maxBufferSize', 'maxComputeWorkgroupStorageSize', 'maxStorageBuffersPerShaderStage',
  'maxComputeInvocationsPerWorkgroup', 'maxComputeWorkgroupSizeX', 'maxComputeWorkgroupSizeY', 'maxComputeWorkgroupSizeZ',
  'maxComputeWorkgroupsPerDimension', 'maxUniformBufferBindingSize',
] as const;

type DawnModule = { create(flags: string[]): GPU; globals: object };

function loadDawn(): DawnModule {
  const require = createRequire(import.meta.url);
  // Resolve the package's ESM entry through its path: it only re-exports the platform's dawn.node.
  const pkgDir = require.resolve('webgpu/package.json').replace(/package\.json$/, '');
  const arch = process.platform === 'darwin' ? 'universal' : process.arch;
  return require(`${pkgDir}dist/${process.platform}-${arch}/dawn.node`) as DawnModule;
}

let dawn: DawnModule | null = null;

function describe(adapter: GPUAdapter, selection: string, flags: string[]): AdapterInfo {
  const i = adapter.info;
  const limits: Record<string, number> = {};
  for (const k in adapter.limits) {
    const v: unknown = adapter.limits[k as keyof GPUSupportedLimits];
    if (typeof v === 'number') limits[k] = v;
  }
  const sg = i as GPUAdapterInfo & { subgroupMinSize?: number; subgroupMaxSize?: number; isFallbackAdapter?: boolean };
  return {
    vendor: i.vendor, architecture: i.architecture, device: i.device, description: i.description,
    isFallbackAdapter: sg.isFallbackAdapter ?? false,
    subgroupMinSize: sg.subgroupMinSize ?? null, subgroupMaxSize: sg.subgroupMaxSize ?? null,
    features: [...adapter.features].sort(), limits, selection, flags,
  };
}

async function tryAdapter(flags: string[]): Promise<{ gpu: GPU; adapter: GPUAdapter | null; error?: string }> {
  const gpu = dawn!.create(flags);
  try {
    return { gpu, adapter: await gpu.requestAdapter({ powerPreference: 'high-performance' }) };
  } catch (err) {
    // A named adapter that does not exist rejects with the list of available adapters.
    return { gpu, adapter: null, error: err instanceof Error ? err.message : String(err) };
  }
}

/** Finds an adapter by the policy above; throws an Error whose message says why none is available. */
export async function openDevice(opts: DeviceOptions = {}): Promise<GpuContext> {
  try {
    dawn ??= loadDawn();
  } catch (err) {
    throw new Error(`the 'webgpu' package (dawn.node) could not be loaded: ${err instanceof Error ? err.message : String(err)}`);
  }
  // Timestamps are quantized by default; turn that off so GPU timings are exact (kernels.md §2.3).
  const base = ['disable-dawn-features=timestamp_quantization', ...(opts.flags ?? [])];
  const name = opts.adapter ?? process.env['ZOO_WEBGPU_ADAPTER'];
  let found: { gpu: GPU; adapter: GPUAdapter | null; error?: string };
  let selection: string;
  let flags: string[];
  const icdPreset = process.env['VK_ICD_FILENAMES'] ?? process.env['VK_DRIVER_FILES'];
  // NOTE: without XDG_RUNTIME_DIR the Vulkan loader prints "XDG_RUNTIME_DIR is invalid" on every
  // start (harmless, kernels.md §2.1); a private per-user directory silences it.
  if (!process.env['XDG_RUNTIME_DIR']) {
    const dir = join(tmpdir(), `zoo-runtime-${process.getuid?.() ?? 'user'}`);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    process.env['XDG_RUNTIME_DIR'] = dir;
  }
  flags = name ? [...base, `adapter=${name}`] : base;
  found = await tryAdapter(flags);
  selection = name ? `named '${name}'` : icdPreset ? `first adapter (Vulkan ICDs from the environment: ${icdPreset})` : 'first hardware adapter';
  if (!found.adapter && !icdPreset && existsSync(SWIFTSHADER_ICD)) {
    // No (matching) hardware adapter: Chromium's SwiftShader ICD, for a GPU-less machine.
    process.env['VK_ICD_FILENAMES'] = SWIFTSHADER_ICD;
    flags = [...base, `adapter=${name ?? 'SwiftShader'}`];
    found = await tryAdapter(flags);
    selection = `${name ? `named '${name}', ` : ''}SwiftShader (no ${name ? 'matching ' : ''}hardware adapter; VK_ICD_FILENAMES set to ${SWIFTSHADER_ICD} by zoo)`;
    if (!found.adapter) delete process.env['VK_ICD_FILENAMES'];
  }
  if (!found.adapter) throw new Error(noAdapterReason(name, icdPreset, found.error));
  const adapter = found.adapter;
  const features = WANTED_FEATURES.filter((f) => adapter.features.has(f));
  const requiredLimits: Record<string, number> = {};
  for (const k of WANTED_LIMITS) requiredLimits[k] = adapter.limits[k];
  const device = await adapter.requestDevice({ requiredFeatures: features as GPUFeatureName[], requiredLimits, label: 'zoo' });
  return { gpu: found.gpu, adapter, device, info: describe(adapter, selection, flags), features: new Set(features) };
}

function noAdapterReason(name: string | undefined, icd: string | undefined, error: string | undefined): string {
  if (name) return `no adapter matches '${name}'${error ? `: ${error.split('\n')[0]}` : ''}`;
  if (icd) return `no WebGPU adapter from the Vulkan driver(s) in VK_ICD_FILENAMES/VK_DRIVER_FILES=${icd} (missing file, or a driver Dawn rejects)`;
  return `no WebGPU adapter: no hardware adapter Dawn accepts and no SwiftShader ICD at ${SWIFTSHADER_ICD} ` +
    "(install it with `apt-get install -y libvulkan1 chromium`, or point VK_ICD_FILENAMES at a Vulkan driver)";
}
