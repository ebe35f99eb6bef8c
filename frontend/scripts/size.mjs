// Prints the gzipped size of the JavaScript the browser loads before the first page renders
// (the entry script plus the chunks index.html preloads) and fails over the budget.
import { readFileSync, readdirSync } from "node:fs";
import { gzipSync } from "node:zlib";

const BUDGET = 250 * 1024;
const dist = new URL("../dist/", import.meta.url);
let html;
try {
  html = readFileSync(new URL("index.html", dist), "utf8");
} catch {
  console.error("dist/index.html not found: run `npm run build` first.");
  process.exit(1);
}

const initial = new Set();
for (const m of html.matchAll(/<script[^>]+type="module"[^>]+src="([^"]+\.js)"/g)) initial.add(m[1]);
for (const m of html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+\.js)"/g)) initial.add(m[1]);
if (initial.size === 0) {
  console.error("No entry script found in dist/index.html.");
  process.exit(1);
}

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
let total = 0;
console.log("Initial JavaScript (gzip -9):");
for (const src of initial) {
  const buf = readFileSync(new URL(src.replace(/^\//, ""), dist));
  const gz = gzipSync(buf, { level: 9 }).length;
  total += gz;
  console.log(`  ${src}  ${kb(buf.length)} raw, ${kb(gz)} gzipped`);
}

const lazy = readdirSync(new URL("assets/", dist)).filter((f) => f.endsWith(".js") && !initial.has(`/assets/${f}`));
const lazyTotal = lazy.reduce((sum, f) => sum + gzipSync(readFileSync(new URL(`assets/${f}`, dist)), { level: 9 }).length, 0);
console.log(`Lazy chunks: ${lazy.length} files, ${kb(lazyTotal)} gzipped in all (loaded per route).`);
console.log(`Entry JS total: ${kb(total)} gzipped (budget ${kb(BUDGET)})`);
if (total > BUDGET) {
  console.error(`FAIL: the initial JavaScript is ${kb(total - BUDGET)} over budget.`);
  process.exit(1);
}
console.log("OK: within budget.");
