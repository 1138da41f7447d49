// www/next-host/build.mjs: moves the static export (out/) into <out> (default ../../dist/hosts/nextjs), where basePath expects it.
import { cpSync, existsSync, mkdirSync, rmSync, renameSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = resolve(process.argv[2] ?? join(here, '../../dist/hosts/nextjs'));
const exported = join(here, 'out');
if (!existsSync(join(exported, 'index.html'))) throw new Error(`${exported}/index.html is missing: did \`next build\` run with output: 'export'?`);
const tmp = `${out}.tmp-${process.pid}`;
rmSync(tmp, { recursive: true, force: true });
mkdirSync(dirname(out), { recursive: true });
cpSync(exported, tmp, { recursive: true });
rmSync(out, { recursive: true, force: true });
renameSync(tmp, out);
console.log(`nextjs host -> ${out}`);
