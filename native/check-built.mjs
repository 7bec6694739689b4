// CI guard: with native in ZOO_REQUIRE, a missing or unloadable addon stops the run right after
// `npm ci` with the reason (the build script itself only warns, so plain installs never fail).
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const required = (process.env.ZOO_REQUIRE ?? '').split(',').map((s) => s.trim());
if (!required.includes('native')) process.exit(0);
const file = path.join(path.dirname(fileURLToPath(import.meta.url)), 'build', 'Release', 'zoo_native.node');
if (!existsSync(file)) {
  console.error(`zoo: ZOO_REQUIRE=native but ${file} was not built (see the native/build.mjs output above)`);
  process.exit(1);
}
try {
  const info = createRequire(import.meta.url)(file).info();
  console.log(`zoo: native addon loads (${info.isa}, ${info.threads} threads)`);
} catch (err) {
  console.error(`zoo: ZOO_REQUIRE=native but the addon does not load: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
