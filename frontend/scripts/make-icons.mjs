// Draws the KAVI app icons (PNG) with no dependencies: a green rounded square with a white "K".
// Run `npm run icons` after changing the design; the PNGs in public/icons are committed.
import { writeFileSync, mkdirSync } from "node:fs";
import { deflateSync } from "node:zlib";

const OUT = new URL("../public/icons/", import.meta.url);
mkdirSync(OUT, { recursive: true });

const GREEN = [4, 120, 87];
const WHITE = [255, 255, 255];

function crc32(buf) {
  let c;
  const table = crc32.table ??= Array.from({ length: 256 }, (_, n) => {
    c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  let crc = 0xffffffff;
  for (const b of buf) crc = table[(crc ^ b) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

function png(size, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  const raw = Buffer.alloc((size * 4 + 1) * size);
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0;
    rgba.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(raw, { level: 9 })),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

function segDist(px, py, ax, ay, bx, by) {
  const dx = bx - ax, dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

function inRoundedRect(x, y, r) {
  const cx = Math.min(Math.max(x, r), 1 - r);
  const cy = Math.min(Math.max(y, r), 1 - r);
  return Math.hypot(x - cx, y - cy) <= r;
}

/** Coordinates are in 0..1. `scale` shrinks the glyph for maskable icons' safe zone. */
function draw(size, { radius, scale }) {
  const buf = Buffer.alloc(size * size * 4);
  const S = 4; // supersampling
  const strokes = [
    [0.34, 0.25, 0.34, 0.75],
    [0.36, 0.53, 0.67, 0.25],
    [0.45, 0.45, 0.69, 0.75],
  ];
  const half = 0.055;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let bg = 0, fg = 0;
      for (let sy = 0; sy < S; sy++) {
        for (let sx = 0; sx < S; sx++) {
          const u = (x + (sx + 0.5) / S) / size;
          const v = (y + (sy + 0.5) / S) / size;
          if (!inRoundedRect(u, v, radius)) continue;
          bg++;
          const gu = 0.5 + (u - 0.5) / scale;
          const gv = 0.5 + (v - 0.5) / scale;
          if (strokes.some(([ax, ay, bx, by]) => segDist(gu, gv, ax, ay, bx, by) <= half)) fg++;
        }
      }
      const n = S * S;
      const a = bg / n;
      const f = bg ? fg / bg : 0;
      const i = (y * size + x) * 4;
      for (let c = 0; c < 3; c++) buf[i + c] = Math.round(GREEN[c] * (1 - f) + WHITE[c] * f);
      buf[i + 3] = Math.round(a * 255);
    }
  }
  return png(size, buf);
}

const icons = [
  ["icon-192.png", 192, { radius: 0.22, scale: 1 }],
  ["icon-512.png", 512, { radius: 0.22, scale: 1 }],
  ["icon-maskable-512.png", 512, { radius: 0, scale: 0.72 }],
  ["apple-touch-icon.png", 180, { radius: 0, scale: 0.85 }],
];
for (const [name, size, opts] of icons) {
  const data = draw(size, opts);
  writeFileSync(new URL(name, OUT), data);
  console.log(`${name}: ${data.length} bytes`);
}
