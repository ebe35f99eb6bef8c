// Writes a Brotli (.br) and a gzip (.gz) sibling next to every text file of the build, so WhiteNoise
// (and core/spa.py for index.html) can send them with Content-Encoding, and infra/upload_web.py can
// put them in S3. A sibling is only kept when it is smaller than the file itself.
//   node scripts/compress.mjs [dist-dir]     (default: dist; `npm run build` runs it)
import { readdirSync, readFileSync, statSync, writeFileSync, rmSync, existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

export const COMPRESSIBLE = /\.(js|mjs|css|html|svg|json|webmanifest|txt|xml|map)$/;
const MIN_BYTES = 256;

function* files(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else if (entry.isFile()) yield path;
  }
}

export function compressDir(dir) {
  let count = 0;
  let before = 0;
  let after = 0;
  for (const path of files(dir)) {
    if (!COMPRESSIBLE.test(path)) continue;
    const body = readFileSync(path);
    const siblings = {
      ".br": brotliCompressSync(body, {
        params: {
          [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
          [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
          [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
        },
      }),
      ".gz": gzipSync(body, { level: 9 }),
    };
    for (const [ext, compressed] of Object.entries(siblings)) {
      // A stale sibling from an earlier build would be served in place of the new file.
      if (existsSync(path + ext)) rmSync(path + ext);
      if (body.length >= MIN_BYTES && compressed.length < body.length) {
        writeFileSync(path + ext, compressed);
        if (ext === ".br") {
          count += 1;
          before += body.length;
          after += compressed.length;
        }
      }
    }
  }
  return { count, before, after };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dir = resolve(process.argv[2] ?? new URL("../dist", import.meta.url).pathname);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    console.error(`${dir} is not a directory: build the web app first.`);
    process.exit(1);
  }
  const { count, before, after } = compressDir(dir);
  const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
  console.log(`Compressed ${count} files in ${dir}: ${kb(before)} -> ${kb(after)} with Brotli (plus gzip).`);
}
