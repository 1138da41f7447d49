// www/sdk-host/build.mjs: assembles the typescript-sdk host into <out> (default ../../dist/hosts/typescript-sdk): the page, its compiled main.js and the compiled SDK under sdk/.
import { cpSync, mkdirSync, rmSync, renameSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = resolve(process.argv[2] ?? join(here, '../../dist/hosts/typescript-sdk'));
const sdkLib = join(here, '../sdk/lib');
if (!existsSync(join(sdkLib, 'index.js'))) throw new Error(`${sdkLib}/index.js is missing: build @wasm-budgets/sdk first`);

const tmp = `${out}.tmp-${process.pid}`;
rmSync(tmp, { recursive: true, force: true });
mkdirSync(tmp, { recursive: true });
cpSync(join(here, 'index.html'), join(tmp, 'index.html'));
cpSync(join(here, 'build'), tmp, { recursive: true });
cpSync(sdkLib, join(tmp, 'sdk'), { recursive: true });
rmSync(out, { recursive: true, force: true });
mkdirSync(dirname(out), { recursive: true });
renameSync(tmp, out);
console.log(`typescript-sdk host -> ${out}`);
