// Builds the native addon (native/build/Release/zoo_native.node) with node-gyp; run by npm's
// `install` script and by hand (`node native/build.mjs`). A failed build prints why and exits 0,
// so `npm install` still succeeds and the ref backend keeps working; `zoo doctor` then explains
// that the addon is missing (and CI, with ZOO_REQUIRE=native, fails on it).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

if (process.env.ZOO_SKIP_NATIVE) {
  console.warn('zoo: ZOO_SKIP_NATIVE is set; not building the native addon');
  process.exit(0);
}

/** node-gyp candidates: the one npm puts on PATH for lifecycle scripts, then the one bundled with npm. */
function nodeGypCommands() {
  const cmds = [];
  if (process.env.npm_config_node_gyp) cmds.push([process.execPath, [process.env.npm_config_node_gyp]]);
  const npmDir = path.resolve(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm');
  const bundled = path.join(npmDir, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  if (existsSync(bundled)) cmds.push([process.execPath, [bundled]]);
  try {
    cmds.push([process.execPath, [require.resolve('node-gyp/bin/node-gyp.js')]]);
  } catch {
    // not installed locally
  }
  cmds.push(['node-gyp', []]);
  return cmds;
}

/** Node's own headers, so node-gyp never tries to download them (there is no network in CI). */
function nodedirArgs() {
  if (process.env.npm_config_nodedir) return [`--nodedir=${process.env.npm_config_nodedir}`];
  const prefix = path.resolve(path.dirname(process.execPath), '..');
  return existsSync(path.join(prefix, 'include', 'node', 'node_api.h')) ? [`--nodedir=${prefix}`] : [];
}

let lastError = 'node-gyp was not found';
for (const [cmd, pre] of nodeGypCommands()) {
  const args = [...pre, 'rebuild', '--release', ...nodedirArgs()];
  const r = spawnSync(cmd, args, { cwd: here, stdio: 'inherit', env: process.env });
  if (r.error) {
    lastError = `${cmd}: ${r.error.message}`;
    continue;
  }
  if (r.status === 0) {
    console.log('zoo: built native/build/Release/zoo_native.node');
    process.exit(0);
  }
  lastError = `${[cmd, ...args].join(' ')} exited with ${r.status}`;
  break; // node-gyp ran and the compile failed: trying another copy will not help
}
console.warn(`zoo: WARNING: the native addon was not built (${lastError}).`);
console.warn('zoo: the ref backend still works; run `node native/build.mjs` after fixing the toolchain, and `zoo doctor` to check.');
process.exit(0);
