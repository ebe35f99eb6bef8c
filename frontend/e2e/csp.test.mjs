// The Content-Security-Policy holds with the app as built: every page carries the header, and no
// page (the app with its charts, Swagger UI, the Django admin) triggers a single violation.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { BASE_URL, launch, newPage, settle, waitForServer } from "./lib.mjs";

const VIEWER = { email: process.env.E2E_VIEWER_EMAIL ?? "viewer@demo.kavi.test", password: process.env.E2E_VIEWER_PASSWORD ?? "Demo-Pass-2026!" };

let browser;

before(async () => {
  await waitForServer();
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

/** A page that records every CSP violation the browser reports (event and console). */
async function watchedPage() {
  const handle = await newPage(browser);
  const violations = [];
  await handle.page.exposeFunction("__cspViolation", (v) => violations.push(v));
  await handle.page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) =>
      window.__cspViolation(`${e.violatedDirective} blocked ${e.blockedURI || "inline"} (${e.sourceFile}:${e.lineNumber})`),
    );
  });
  handle.page.on("console", (msg) => {
    if (/Content Security Policy/i.test(msg.text())) violations.push(`console: ${msg.text()}`);
  });
  return { ...handle, violations };
}

async function policyOf(path) {
  const res = await fetch(`${BASE_URL}${path}`);
  return res.headers.get("content-security-policy") ?? "";
}

describe("Content-Security-Policy", { concurrency: false }, () => {
  test("the app, its files and its service worker carry the strict policy", async () => {
    for (const path of ["/", "/login", "/invoices/42", "/sw.js", "/manifest.webmanifest"]) {
      const policy = await policyOf(path);
      assert.match(policy, /script-src 'self'(;|$)/, `${path}: ${policy}`);
      assert.match(policy, /frame-ancestors 'none'/, path);
      assert.match(policy, /object-src 'none'/, path);
      assert.doesNotMatch(policy, /unsafe-inline|unsafe-eval/, path);
    }
  });

  test("signed in, the app's pages (charts, KAVI, service worker) raise no violation", async () => {
    const { page, violations, errors, close } = await watchedPage();
    await page.goto(`${BASE_URL}/login`);
    await settle(page, "login-email");
    await page.getByTestId("login-email").fill(VIEWER.email);
    await page.getByTestId("login-password").fill(VIEWER.password);
    await page.getByTestId("login-submit").click();
    await settle(page, "page-dashboard");
    for (const [path, marker] of [
      ["/transactions", "page-transactions"],
      ["/invoices", "page-invoices"],
      ["/budgets", "page-budgets"],
      ["/cash-flow", "page-cashflow"],
      ["/forecasts", "page-forecasts"],
      ["/credit-score", "page-credit-score"],
      ["/", "page-dashboard"],
    ]) {
      await page.goto(`${BASE_URL}${path}`);
      await settle(page, marker);
    }
    // The service worker installs under the policy it is served with.
    const registered = await page.evaluate(async () => {
      const reg = await navigator.serviceWorker?.ready;
      return Boolean(reg?.active);
    });
    assert.ok(registered, "the service worker did not activate");
    assert.deepEqual(violations, []);
    assert.deepEqual(errors, []);
    await close();
  });

  test("Swagger UI loads from our origin and renders the operations without a violation", async () => {
    assert.match(await policyOf("/api/v1/docs/"), /script-src 'self'(;|$)/);
    const { page, violations, close } = await watchedPage();
    await page.goto(`${BASE_URL}/api/v1/docs/`);
    await page.locator(".opblock").first().waitFor({ timeout: 30_000 });
    assert.ok((await page.locator(".opblock").count()) > 50);
    assert.deepEqual(violations, []);
    await close();
  });

  test("the Django admin's login page works without a violation", async () => {
    assert.match(await policyOf("/admin/login/"), /script-src 'self'(;|$)/);
    const { page, violations, close } = await watchedPage();
    await page.goto(`${BASE_URL}/admin/login/`);
    await page.locator("#id_username").waitFor();
    await page.locator("#id_username").fill("nobody@example.com");
    await page.locator("#id_password").fill("wrong-password");
    await page.locator("input[type=submit]").click();
    await page.locator(".errornote").waitFor();
    assert.deepEqual(violations, []);
    await close();
  });
});
