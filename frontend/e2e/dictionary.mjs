// Loads the app's English and Swahili dictionaries in Node, the way the browser gets them: esbuild
// (Vite's own bundler, already installed) bundles src/lib/i18n.ts with its feature message files.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));

export async function loadDictionaries() {
  const dir = mkdtempSync(join(tmpdir(), "kavi-i18n-"));
  const outfile = join(dir, "i18n.mjs");
  try {
    await build({
      entryPoints: [join(root, "src/lib/i18n.ts")],
      bundle: true,
      format: "esm",
      platform: "node",
      outfile,
      tsconfig: join(root, "tsconfig.app.json"),
      logLevel: "error",
      define: { "import.meta.env.DEV": "false" },
    });
    // The session store persists to localStorage; Node has none.
    globalThis.localStorage ??= { getItem: () => null, setItem: () => {}, removeItem: () => {} };
    const mod = await import(pathToFileURL(outfile).href);
    return { en: mod.en, sw: mod.sw, same: mod.SAME_IN_BOTH };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
