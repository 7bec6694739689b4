// Backend registry: ref is always there; native and webgpu register loaders that may fail with a
// reason (shown by `zoo doctor`). ZOO_REQUIRE=native,webgpu turns an unavailable backend into an
// error instead of a skip.
import type { Backend } from './backend.js';
import { BackendError } from './errors.js';

export interface BackendStatus {
  name: string;
  available: boolean;
  reason?: string;
  detail?: string;
}

type Loader = () => Backend;
const loaders = new Map<string, Loader>();
const loaded = new Map<string, Backend | Error>();
let defaultName = 'ref';

export function registerBackend(name: string, loader: Loader): void {
  loaders.set(name, loader);
  loaded.delete(name);
}

export function backendNames(): string[] {
  return [...loaders.keys()];
}

function load(name: string): Backend | Error {
  let b = loaded.get(name);
  if (b) return b;
  const loader = loaders.get(name);
  if (!loader) return new BackendError('backend', `unknown backend '${name}' (known: ${backendNames().join(', ')})`);
  try {
    b = loader();
  } catch (err) {
    b = err instanceof Error ? err : new Error(String(err));
  }
  loaded.set(name, b);
  return b;
}

export function getBackend(name: string): Backend {
  const b = load(name);
  if (b instanceof Error) {
    if (b instanceof BackendError) throw b;
    throw new BackendError('backend', `backend '${name}' is unavailable: ${b.message}`);
  }
  return b;
}

export function backendStatus(name: string): BackendStatus {
  const b = load(name);
  return b instanceof Error ? { name, available: false, reason: b.message } : { name, available: true };
}

export function setDefaultBackend(name: string): void {
  getBackend(name);
  defaultName = name;
}

export function defaultBackend(): Backend {
  return getBackend(defaultName);
}

/** Backends listed in ZOO_REQUIRE (comma-separated) must load; tests use this to fail instead of skip. */
export function requiredBackends(env: NodeJS.ProcessEnv = process.env): string[] {
  return (env['ZOO_REQUIRE'] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
}

export function resolveBackend(b: Backend | string | undefined): Backend {
  if (b === undefined) return defaultBackend();
  return typeof b === 'string' ? getBackend(b) : b;
}
