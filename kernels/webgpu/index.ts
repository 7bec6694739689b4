// The webgpu backend's entry for the engine: registration and async start-up. Nothing here loads
// dawn.node until initWebGPU() runs, so importing the engine stays cheap.
//
// NOTE: the backend registry's loaders are synchronous, but WebGPU hands out adapters and devices
// through promises. So the backend starts with `await initWebGPU()` (tfjs: `await tf.ready()`);
// until then the registered loader reports it as not started.
import type { Backend } from '../../engine/backend.js';
import { registerBackend, type BackendStatus } from '../../engine/backends.js';
import { BackendError } from '../../engine/errors.js';
import type { AdapterInfo, DeviceOptions } from './device.js';
import type { WebGPUBackend, WebGPUBackendOptions } from './backend.js';

export interface InitWebGPUOptions extends DeviceOptions, WebGPUBackendOptions {}

export interface WebGPUStatus extends BackendStatus {
  adapter?: AdapterInfo;
}

let started: Promise<WebGPUStatus> | null = null;
let backend: WebGPUBackend | null = null;
let failure: string | null = null;

/** The registry's loader: the started backend, or why there is none. */
export function webgpuLoader(): Backend {
  if (backend) return backend;
  throw new BackendError('webgpu', failure ?? 'not started: call `await initWebGPU()` first (adapters and devices are handed out asynchronously)');
}

/**
 * Starts the webgpu backend once (later calls return the first result): picks the adapter
 * (kernels/webgpu/device.ts), requests the device and registers the backend. Never throws for a
 * missing adapter: the status says why, and `getBackend('webgpu')` raises a BackendError with it.
 */
export function initWebGPU(opts: InitWebGPUOptions = {}): Promise<WebGPUStatus> {
  started ??= (async (): Promise<WebGPUStatus> => {
    try {
      const [{ openDevice }, { WebGPUBackend }] = await Promise.all([import('./device.js'), import('./backend.js')]);
      const ctx = await openDevice(opts);
      backend = new WebGPUBackend(ctx, opts);
      const b = backend;
      // Release the device at exit (dawn.node may keep a pump alive otherwise; kernels.md §2.1).
      process.once('exit', () => b.destroy());
      registerBackend('webgpu', webgpuLoader);
      return { name: 'webgpu', available: true, detail: `${ctx.info.description || ctx.info.device} (${ctx.info.selection})`, adapter: ctx.info };
    } catch (err) {
      failure = err instanceof Error ? err.message : String(err);
      registerBackend('webgpu', webgpuLoader);
      return { name: 'webgpu', available: false, reason: failure };
    }
  })();
  return started;
}

/** The started backend (for the runtime's extras: variants, sync, timing), or null. */
export function webgpuBackend(): WebGPUBackend | null {
  return backend;
}
