// `npm run sizes`: the sizes of what the build made, as the package ships them: the two wasm
// builds and the self-contained browser bundle, raw and gzipped. The README quotes no sizes of
// its own; this prints the current ones.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const FILES = [
  ['build/rnn.wasm', 'wasm core, with f64x2 SIMD'],
  ['build/rnn.scalar.wasm', 'wasm core, without SIMD'],
  ['dist/rnn-wasm.browser.js', 'browser bundle: both wasm builds inlined, seedrandom bundled'],
];

const kB = (bytes) => `${(bytes / 1000).toFixed(1)} kB`;
const rows = FILES.map(([path, what]) => {
  let bytes;
  try {
    bytes = readFileSync(new URL(`../${path}`, import.meta.url));
  } catch {
    console.error(`sizes: ${path} is missing: run npm run build first (npm run sizes does)`);
    process.exit(2);
  }
  return [path, kB(bytes.length), kB(gzipSync(bytes, { level: 9 }).length), what];
});
const widths = [0, 1, 2].map((c) => Math.max(...rows.map((r) => r[c].length), ['file', 'size', 'gzipped'][c].length));
const line = (r) => `${r[0].padEnd(widths[0])}  ${r[1].padStart(widths[1])}  ${r[2].padStart(widths[2])}  ${r[3]}`;
console.log(line(['file', 'size', 'gzipped', '']));
for (const r of rows) console.log(line(r));
