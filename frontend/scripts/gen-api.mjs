// Generates src/api/schema.d.ts (TypeScript types of the API) from the live OpenAPI schema:
// `manage.py spectacular` with the test settings, then openapi-typescript.
//   node scripts/gen-api.mjs            rewrite src/api/schema.d.ts   (npm run gen:api, make types)
//   node scripts/gen-api.mjs --check    fail if it differs from a fresh one   (make lint)
// PYTHON overrides the interpreter (default: the project's .venv, else python3).
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const frontend = fileURLToPath(new URL("..", import.meta.url));
const root = join(frontend, "..");
const target = join(frontend, "src", "api", "schema.d.ts");
const check = process.argv.includes("--check");
const venvPython = join(root, ".venv", "bin", "python");
const python = process.env.PYTHON ?? (existsSync(venvPython) ? venvPython : "python3");
const HEADER =
  "// Generated from the API's OpenAPI schema by `npm run gen:api` (or `make types`). Don't edit by hand.\n";

process.on("uncaughtException", (error) => {
  console.error(`Generating the API types failed: ${error.message}`);
  process.exit(1);
});

const work = mkdtempSync(join(tmpdir(), "kavi-api-"));
try {
  const schema = join(work, "schema.yaml");
  const generated = join(work, "schema.d.ts");
  execFileSync(python, ["manage.py", "spectacular", "--file", schema], {
    cwd: root,
    env: { ...process.env, DJANGO_SETTINGS_MODULE: "fg_copilot.settings.test" },
    // Warnings are for `make lint`'s schema check; stderr shows only if generation fails.
    stdio: ["ignore", "ignore", "pipe"],
  });
  execFileSync(join(frontend, "node_modules", ".bin", "openapi-typescript"), [schema, "--output", generated], {
    cwd: frontend,
    stdio: ["ignore", "ignore", "inherit"],
  });
  const fresh = HEADER + readFileSync(generated, "utf8");
  if (check) {
    const committed = existsSync(target) ? readFileSync(target, "utf8") : "";
    if (committed !== fresh) {
      console.error(
        "frontend/src/api/schema.d.ts is out of date with the API schema.\n" +
          "Update it with `make types` (or `cd frontend && npm run gen:api`) and commit the result.",
      );
      process.exit(1);
    }
    console.log("frontend/src/api/schema.d.ts matches the API schema.");
  } else {
    writeFileSync(target, fresh);
    console.log("Wrote frontend/src/api/schema.d.ts");
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
