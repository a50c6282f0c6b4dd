#!/usr/bin/env node
/**
 * Completes package-lock.json with the platform-specific optional packages of other
 * platforms (biome, swc, esbuild, ... binaries for macOS, Windows, musl, arm).
 *
 * Why: the registry mirror our machines and CI use serves only the packages of this platform,
 * so `npm install` cannot record the others, and `npm ci` (npm 11) then refuses the lock file
 * as out of sync ("Missing: @biomejs/cli-darwin-x64@ from lock file"). The entries added here
 * carry the os/cpu/libc constraints the package names encode, so npm skips them on machines
 * they do not fit and installs them where they do. Run after every `npm install`:
 *
 *   npm install <pkg> && node scripts/complete-lockfile.mjs
 */
import { readFileSync, writeFileSync } from 'node:fs';

const file = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(file, 'utf8'));
const packages = lock.packages;

const pick = (name, table) => Object.entries(table).find(([re]) => new RegExp(re).test(name))?.[1];
const OS = {
  darwin: 'darwin',
  win32: 'win32',
  windows: 'win32',
  android: 'android',
  freebsd: 'freebsd',
  openbsd: 'openbsd',
  netbsd: 'netbsd',
  sunos: 'sunos',
  aix: 'aix',
  linux: 'linux',
  wasm: undefined,
};
const CPU = {
  arm64: 'arm64',
  aarch64: 'arm64',
  x64: 'x64',
  x86_64: 'x64',
  ia32: 'ia32',
  loong64: 'loong64',
  riscv64: 'riscv64',
  ppc64: 'ppc64',
  s390x: 's390x',
  mips64el: 'mips64el',
  '-arm(?!64)': 'arm',
};

let added = 0;
for (const [path, entry] of Object.entries(packages)) {
  for (const [name, range] of Object.entries(entry.optionalDependencies ?? {})) {
    const top = `node_modules/${name}`;
    if (packages[top] || packages[`${path}/node_modules/${name}`]) continue;
    const os = pick(name, OS);
    const cpu = pick(name, CPU);
    const libc = /musl/.test(name) ? 'musl' : os === 'linux' && /gnu/.test(name) ? 'glibc' : undefined;
    packages[top] = {
      version: String(range).replace(/^[\^~=]+/, ''),
      ...(entry.dev ? { dev: true } : {}),
      optional: true,
      ...(os ? { os: [os] } : {}),
      ...(cpu ? { cpu: [cpu] } : {}),
      ...(libc ? { libc: [libc] } : {}),
    };
    added += 1;
  }
}
// npm writes the keys sorted: keep diffs small
lock.packages = Object.fromEntries(
  Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : 1)),
);
writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`complete-lockfile: ${added} entries added`);
