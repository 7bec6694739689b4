// Loads native/build/Release/zoo_native.node and says precisely why when it cannot: not built,
// built for another Node ABI, or another load error (the text `zoo doctor` shows).
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ZooNative } from './addon.js';

const BINARY = path.join('native', 'build', 'Release', 'zoo_native.node');

/** The repository root: the nearest folder above this file holding native/binding.gyp (works from dist/ too). */
function repoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(path.join(dir, 'native', 'binding.gyp'))) return dir;
    dir = path.dirname(dir);
  }
  return process.cwd();
}

export function addonPath(): string {
  return process.env['ZOO_NATIVE_PATH'] ?? path.join(repoRoot(), BINARY);
}

export class AddonLoadError extends Error {}

export function loadAddon(): ZooNative {
  const file = addonPath();
  if (!existsSync(file)) {
    throw new AddonLoadError(`addon not built (${file} is missing): run \`npm rebuild\` or \`node native/build.mjs\` (needs g++, make, python3 and Node's headers)`);
  }
  try {
    return createRequire(import.meta.url)(file) as ZooNative;
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    if (/NODE_MODULE_VERSION|was compiled against a different Node/.test(msg)) {
      throw new AddonLoadError(`addon was built for another Node ABI (this is Node ${process.version}): run \`node native/build.mjs\` (${msg.split('\n')[0]})`);
    }
    throw new AddonLoadError(`addon failed to load: ${msg.split('\n')[0]}`);
  }
}
