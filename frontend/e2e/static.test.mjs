// The built web app goes out compressed (the .br/.gz siblings of `npm run build`, served by
// WhiteNoise and core/spa.py), hashed assets are cached for good, and robots.txt is real text.
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { BASE_URL, waitForServer } from "./lib.mjs";

let html;

before(async () => {
  await waitForServer();
  html = await (await fetch(`${BASE_URL}/`)).text();
});

/** Node's fetch decodes the body itself; the headers still say what went over the wire. */
async function get(path, acceptEncoding) {
  const res = await fetch(`${BASE_URL}${path}`, { headers: acceptEncoding ? { "Accept-Encoding": acceptEncoding } : {} });
  return { res, body: await res.text() };
}

function entryScript() {
  const match = html.match(/<script[^>]+type="module"[^>]+src="(\/assets\/[^"]+\.js)"/);
  assert.ok(match, "index.html names its entry script");
  return match[1];
}

describe("static files", { concurrency: false }, () => {
  test("the main script is sent as Brotli, or gzip, as the browser accepts, and cached for good", async () => {
    const script = entryScript();
    const br = await get(script, "br, gzip");
    assert.equal(br.res.status, 200);
    assert.equal(br.res.headers.get("content-encoding"), "br");
    assert.match(br.res.headers.get("content-type") ?? "", /javascript/);
    assert.match(br.res.headers.get("vary") ?? "", /Accept-Encoding/i);
    assert.match(br.res.headers.get("cache-control") ?? "", /immutable/);
    assert.ok(br.body.length > 1000, "the decoded script is the real one");

    const gz = await get(script, "gzip");
    assert.equal(gz.res.headers.get("content-encoding"), "gzip");
    assert.equal(gz.body, br.body);
  });

  test("the stylesheet, the manifest and index.html are compressed too", async () => {
    const css = html.match(/<link[^>]+rel="stylesheet"[^>]+href="(\/assets\/[^"]+\.css)"/)?.[1];
    assert.ok(css, "index.html links its stylesheet");
    for (const path of [css, "/manifest.webmanifest", "/", "/invoices"]) {
      const { res } = await get(path, "br, gzip");
      assert.equal(res.status, 200, path);
      assert.equal(res.headers.get("content-encoding"), "br", path);
    }
    const shell = await get("/dashboard", "gzip");
    assert.equal(shell.res.headers.get("content-encoding"), "gzip");
    assert.equal(shell.res.headers.get("cache-control"), "no-cache");
    assert.match(shell.body, /<div id="root">/);
  });

  test("robots.txt is plain text that keeps crawlers out of the API and the admin", async () => {
    const { res, body } = await get("/robots.txt");
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /^text\/plain/);
    assert.doesNotMatch(body, /<html/i);
    assert.match(body, /^User-agent: \*$/m);
    assert.match(body, /^Disallow: \/api\/$/m);
    assert.match(body, /^Disallow: \/admin\/$/m);
  });

  test("a file the build doesn't have is a 404, not the app", async () => {
    const { res } = await get("/assets/not-built-00000000.js");
    assert.equal(res.status, 404);
  });
});
