/// <reference types="vitest/config" />
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath, URL } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig, type Plugin } from "vite";

/** The first screens: the entry, the dashboard and the sign-in page (and what they import). */
const FIRST_SCREENS = [/\/pages\/Dashboard\.tsx$/, /\/dashboard\/pages\/Dashboard\.tsx$/, /\/pages\/auth\/Login\.tsx$/, /\/auth\/pages\/Login\.tsx$/];

/**
 * Stamps dist/sw.js with a hash of the build (so each deploy gets a fresh service worker and
 * caches), the files to precache (only what the first screens need: the entry, its CSS, the
 * dashboard and login chunks and their static imports) and the full list of hashed files, which
 * the worker fetches in the background once the app is idle so other pages open offline later.
 */
function serviceWorkerBuildId(): Plugin {
  let precache: string[] = [];
  return {
    name: "kavi-sw-build-id",
    apply: "build",
    generateBundle(_options, bundle) {
      const files = new Set<string>();
      const add = (fileName: string) => {
        if (files.has(fileName)) return;
        const chunk = bundle[fileName];
        if (!chunk) return;
        files.add(fileName);
        if (chunk.type !== "chunk") return;
        chunk.imports.forEach(add);
        chunk.viteMetadata?.importedCss.forEach((css) => files.add(css));
      };
      for (const chunk of Object.values(bundle)) {
        if (chunk.type !== "chunk") continue;
        const id = chunk.facadeModuleId ?? "";
        if (chunk.isEntry || FIRST_SCREENS.some((re) => re.test(id))) add(chunk.fileName);
      }
      precache = [...files].filter((f) => /\.(js|css)$/.test(f)).map((f) => `/${f}`);
    },
    writeBundle(options) {
      const dir = options.dir ?? "dist";
      const sw = `${dir}/sw.js`;
      const index = `${dir}/index.html`;
      if (!existsSync(sw) || !existsSync(index)) return;
      const id = createHash("sha256").update(readFileSync(index)).digest("hex").slice(0, 12);
      const assets = readdirSync(`${dir}/assets`)
        .filter((f) => /\.(js|css)$/.test(f))
        .map((f) => `/assets/${f}`);
      const source = readFileSync(sw, "utf8")
        .replace("__BUILD_ID__", id)
        .replace('"__PRECACHE__"', JSON.stringify(precache))
        .replace('"__ASSETS__"', JSON.stringify(assets));
      writeFileSync(sw, source);
    },
  };
}

// The API origin is fixed at build time (VITE_API_BASE_URL, empty = same origin). In dev, /api is
// proxied to the Django runserver so the app and the API share an origin as they do in production.
export default defineConfig({
  base: "/",
  plugins: [react(), serviceWorkerBuildId()],
  resolve: {
    alias: { "@": fileURLToPath(new URL("./src", import.meta.url)) },
  },
  server: {
    port: 5173,
    proxy: {
      "/api": { target: process.env.VITE_DEV_API_TARGET ?? "http://127.0.0.1:8000", changeOrigin: true },
    },
  },
  build: {
    outDir: "dist",
    assetsDir: "assets",
    sourcemap: false,
    target: "es2020",
  },
  test: {
    environment: "node",
    include: ["src/**/*.test.ts"],
  },
});
