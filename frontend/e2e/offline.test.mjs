// Offline first (issue 12, item 7): after one online visit the dashboard reloads offline with the
// last figures and an offline banner; a page without saved data says so instead of loading forever;
// an expense recorded offline waits in the outbox and, once the connection is back, is recorded on
// the server exactly once even though the first sync attempt "fails" after the server saved it.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { after, before, describe, test } from "node:test";
import { apiCall, BASE_URL, DESKTOP, launch, newPage, settle, waitForServer } from "./lib.mjs";

const RUN = `${Date.now().toString(36)}o`;
const OWNER = { email: `offline-${RUN}@e2e.kavi.test`, password: `Mvua-Nyingi-${RUN.length}7!Pwani` };
const EXPENSE = `Fuel for the delivery van ${RUN}`;
const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
// Evaluated rather than added as a <script>: the app's CSP (rightly) refuses inline scripts.
const AXE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

let browser;
let handle;
let token;
let business;

/** axe-core's serious and critical findings on the page as it is now. */
async function axe(page, label, selector = null) {
  await page.evaluate(AXE);
  const found = await page.evaluate(async (sel) => {
    const result = await window.axe.run(sel ? document.querySelector(sel) : document, { resultTypes: ["violations"] });
    return result.violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | ")}`);
  }, selector);
  assert.deepEqual(found, [], `axe ${label}`);
}

/** The figures the dashboard shows: every KPI value and the recent transactions. */
async function figures(page) {
  return page.evaluate(() => ({
    kpis: [...document.querySelectorAll('[data-testid^="kpi-"][data-testid$="-value"]')].map((e) => `${e.getAttribute("data-testid")}=${e.textContent.trim()}`),
    recent: document.querySelector('[data-testid="recent-transactions"]')?.textContent.trim() ?? "",
  }));
}

/** Resolves once the saved query snapshot for this user holds the dashboard data. */
async function waitForSavedData(page, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const saved = await page.evaluate(
      () =>
        new Promise((resolve) => {
          const open = indexedDB.open("kavi-offline");
          open.onerror = () => resolve(false);
          open.onsuccess = () => {
            const db = open.result;
            if (!db.objectStoreNames.contains("queries")) return resolve(false);
            const req = db.transaction("queries").objectStore("queries").getAll();
            req.onsuccess = () => {
              const keys = req.result.flatMap((snap) => snap.state.queries.map((q) => JSON.stringify(q.queryKey)));
              db.close();
              resolve(keys.some((k) => k.includes('"me"')) && keys.some((k) => k.includes("dashboard")));
            };
            req.onerror = () => resolve(false);
          };
        }),
    );
    if (saved) return;
    await page.waitForTimeout(250);
  }
  throw new Error("the dashboard data was never saved for offline use");
}

/** How many saved query snapshots the device holds (any user). */
function savedSnapshots(page) {
  return page.evaluate(
    () =>
      new Promise((resolve) => {
        const open = indexedDB.open("kavi-offline");
        open.onerror = () => resolve(-1);
        open.onsuccess = () => {
          const db = open.result;
          const req = db.transaction("queries").objectStore("queries").count();
          req.onsuccess = () => {
            db.close();
            resolve(req.result);
          };
        };
      }),
  );
}

/**
 * Takes out of the recorded console errors the ones this test causes on purpose: requests the
 * browser couldn't send while offline, and the one sync request the test cut off after the server
 * answered it. Anything else stays and fails the test.
 */
function dropExpectedErrors({ offline = false, aborted = 0 } = {}) {
  const offlineLoad = /^console: Failed to load resource: net::ERR_INTERNET_DISCONNECTED \(/;
  const abortedPost = new RegExp(`^console: Failed to load resource: net::ERR_FAILED \\(${escape(BASE_URL)}/api/v1/finance/transactions/\\)$`);
  let abortedLeft = aborted;
  for (let i = handle.errors.length - 1; i >= 0; i--) {
    const e = handle.errors[i];
    if ((offline && offlineLoad.test(e)) || (abortedLeft > 0 && abortedPost.test(e) && abortedLeft--)) handle.errors.splice(i, 1);
  }
}

before(async () => {
  await waitForServer();
  browser = await launch();
  await apiCall("users/register/", { method: "POST", json: { email: OWNER.email, password: OWNER.password, first_name: "Wanjiru", last_name: "Kamau" } });
  ({ access: token } = await apiCall("auth/token/", { method: "POST", json: { email: OWNER.email, password: OWNER.password } }));
  business = await apiCall("users/businesses/", { method: "POST", token, json: { legal_name: `Kamau Hardware ${RUN} Ltd` } });
  const seed = [
    { transaction_type: "income", amount: "12500.00", category: "Sales", description: `Cement sales ${RUN}`, transaction_date: "2026-03-02", payment_method: "mpesa" },
    { transaction_type: "expense", amount: "4200.00", category: "Rent", description: `Shop rent ${RUN}`, transaction_date: "2026-03-03", payment_method: "bank_transfer" },
    { transaction_type: "income", amount: "3150.50", category: "Sales", description: `Nails and wire ${RUN}`, transaction_date: "2026-03-04", payment_method: "cash" },
  ];
  for (const json of seed) await apiCall("finance/transactions/", { method: "POST", token, business: business.id, json });
  handle = await newPage(browser, DESKTOP);
});

after(async () => {
  await handle?.close();
  await browser?.close();
});

describe("offline first", { concurrency: false }, () => {
  let seen;

  test("after one online visit the dashboard reloads offline with the same figures and a banner", async () => {
    const { page, context } = handle;
    await page.goto(`${BASE_URL}/login`);
    await page.getByTestId("login-email").fill(OWNER.email);
    await page.getByTestId("login-password").fill(OWNER.password);
    await page.getByTestId("login-submit").click();
    await settle(page, "page-dashboard");
    await page.getByTestId("recent-transactions").waitFor();
    // The service worker controls the page and has kept the other pages' files.
    await page.waitForFunction(() => !!navigator.serviceWorker.controller, null, { timeout: 20_000 });
    await page.waitForFunction(() => document.documentElement.dataset.offlineReady === "true", null, { timeout: 30_000 });
    await waitForSavedData(page);
    seen = await figures(page);
    assert.ok(seen.kpis.length >= 3, `the dashboard shows its figures: ${JSON.stringify(seen)}`);
    assert.match(seen.recent, new RegExp(escape(`Cement sales ${RUN}`)));
    assert.equal(await page.getByTestId("offline-banner").count(), 0, "no offline banner while online");
    handle.assertClean("online dashboard");

    await context.setOffline(true);
    const shell = await page.reload();
    assert.ok(shell?.fromServiceWorker(), "the service worker answered the offline reload with the cached app shell");
    await settle(page, "page-dashboard");
    const banner = page.getByRole("status").filter({ has: page.getByTestId("offline-note") });
    await banner.waitFor();
    assert.match(await banner.textContent(), /offline/i);
    await page.getByTestId("recent-transactions").waitFor();
    assert.deepEqual(await figures(page), seen, "the same figures as the last online visit");
    // The dashboard itself is checked by a11y.test.mjs; here, what going offline adds.
    await axe(page, "on the offline banner", '[data-testid="offline-banner"]');
    dropExpectedErrors({ offline: true });
    handle.assertClean("reloading the dashboard offline");
  });

  test("Transactions opens offline: the saved list or a clear offline state, never endless placeholders", async () => {
    const { page } = handle;
    await page.getByTestId("nav-transactions").click();
    await page.getByTestId("page-transactions").waitFor();
    await page.waitForFunction(
      () => document.querySelector('[data-testid="transaction-row"], [data-testid="offline-empty"]') && !document.querySelector('[data-testid="loading"], [data-testid="page-loading"]'),
      null,
      { timeout: 10_000 },
    );
    assert.equal(await page.getByTestId("error-state").count(), 0, "no error page");
    assert.ok(await page.getByTestId("offline-banner").isVisible(), "the offline banner stays");

    // Every other page in the navigation settles too: its saved data or the offline state.
    const navIds = await page.locator('aside nav a[data-testid^="nav-"]').evaluateAll((links) => links.map((a) => a.getAttribute("data-testid")));
    assert.ok(navIds.length >= 5, `the navigation is there: ${navIds}`);
    for (const id of navIds) {
      await page.locator(`aside [data-testid="${id}"]`).click();
      await page
        .waitForFunction(() => !document.querySelector('[data-testid="loading"], [data-testid="page-loading"], [data-testid="app-loading"], main [aria-busy="true"]'), null, { timeout: 8_000 })
        .catch(() => assert.fail(`${id}: still showing loading placeholders offline`));
      assert.equal(await page.getByTestId("error-state").count(), 0, `${id}: no error page offline`);
    }
    await page.locator('aside [data-testid="nav-transactions"]').click();
    await page.getByTestId("page-transactions").waitFor();
    dropExpectedErrors({ offline: true });
    handle.assertClean("opening Transactions offline");
  });

  test("an expense recorded offline waits to sync, then is recorded exactly once despite a failed first sync", async () => {
    const { page, context } = handle;
    await page.getByTestId("create-transaction").click();
    const dialog = page.getByTestId("transaction-dialog");
    await dialog.waitFor();
    await page.getByTestId("tx-offline-note").waitFor();
    await axe(page, "on the transaction form offline");
    await page.getByTestId("tx-type").selectOption("expense");
    await page.getByTestId("tx-amount").fill("1850.00");
    await page.getByTestId("tx-category").fill("Transport");
    await page.getByTestId("tx-description").fill(EXPENSE);
    await page.getByTestId("tx-date").fill("2026-03-05");
    await page.getByTestId("transaction-save").click();
    await dialog.waitFor({ state: "detached" });

    const item = page.getByTestId("outbox-item").filter({ hasText: EXPENSE });
    await item.waitFor();
    assert.equal(await item.getAttribute("data-status"), "queued");
    assert.match(await item.getByTestId("outbox-status").textContent(), /waiting to sync/i);
    assert.match(await page.getByTestId("offline-waiting").textContent(), /1 record waiting to sync/);
    // Still offline after a reload: the outbox lives in IndexedDB.
    await page.reload();
    await page.getByTestId("outbox-item").filter({ hasText: EXPENSE }).waitFor();
    await axe(page, "on Transactions with a record waiting to sync");
    dropExpectedErrors({ offline: true });
    handle.assertClean("recording an expense offline");

    // The first sync attempt reaches the server (which records it) but the answer is lost.
    const posts = [];
    await page.route(`${BASE_URL}/api/v1/finance/transactions/`, async (route) => {
      if (route.request().method() !== "POST") return route.continue();
      posts.push(route.request().headers()["idempotency-key"]);
      if (posts.length === 1) {
        const response = await route.fetch();
        assert.equal(response.status(), 201, "the server recorded the first attempt");
        return route.abort("failed");
      }
      return route.continue();
    });
    await context.setOffline(false);

    await page.getByTestId("outbox-item").waitFor({ state: "detached", timeout: 30_000 });
    assert.ok(posts.length >= 2, `the sync was retried (${posts.length} attempts)`);
    assert.ok(posts.every((k) => k && k === posts[0]), `every attempt carried the same Idempotency-Key: ${posts.join(", ")}`);
    await page.getByTestId("transaction-row").filter({ hasText: EXPENSE }).waitFor();
    assert.equal(await page.getByTestId("offline-banner").count(), 0, "the banner is gone once everything is synced");

    const found = await apiCall(`finance/transactions/?search=${encodeURIComponent(EXPENSE)}`, { token, business: business.id });
    const matches = found.results.filter((t) => t.description === EXPENSE);
    assert.equal(matches.length, 1, `exactly one transaction on the server: ${JSON.stringify(found.results)}`);
    assert.equal(matches[0].amount, "1850.00");
    assert.equal(matches[0].transaction_type, "expense");
    await page.unroute(`${BASE_URL}/api/v1/finance/transactions/`);
    dropExpectedErrors({ offline: true, aborted: 1 });
    handle.assertClean("syncing the expense");
  });

  test("a record the server refuses is shown with its reason, and can be discarded", async () => {
    const { page, context } = handle;
    const refused = `Refused offline record ${RUN}`;
    await context.setOffline(true);
    await page.getByTestId("create-transaction").click();
    const dialog = page.getByTestId("transaction-dialog");
    await dialog.waitFor();
    await page.getByTestId("tx-type").selectOption("expense");
    await page.getByTestId("tx-amount").fill("99.00");
    await page.getByTestId("tx-description").fill(refused);
    await page.getByTestId("tx-date").fill("2026-03-06");
    await page.getByTestId("transaction-save").click();
    await dialog.waitFor({ state: "detached" });
    await page.getByTestId("outbox-item").filter({ hasText: refused }).waitFor();

    // The server refuses it (as it would a closed period or a bad field): 400 with a field message.
    await page.route(`${BASE_URL}/api/v1/finance/transactions/`, (route) =>
      route.request().method() === "POST"
        ? route.fulfill({ status: 400, contentType: "application/json", body: JSON.stringify({ code: "invalid", detail: "Invalid input.", fields: { transaction_date: ["The books for March 2026 are closed."] } }) })
        : route.continue(),
    );
    await context.setOffline(false);
    const item = page.getByTestId("outbox-item").filter({ hasText: refused });
    await page.waitForFunction((text) => [...document.querySelectorAll('[data-testid="outbox-item"]')].some((e) => e.textContent.includes(text) && e.dataset.status === "failed"), refused, { timeout: 15_000 });
    assert.match(await item.getByTestId("outbox-error").textContent(), /The books for March 2026 are closed\./);
    assert.match(await page.getByTestId("offline-failed").textContent(), /1 record couldn't be synced/);
    await item.getByTestId("outbox-retry").waitFor();
    await item.getByTestId("outbox-discard").click();
    await item.waitFor({ state: "detached" });
    assert.equal(await page.getByTestId("offline-banner").count(), 0, "nothing left to sync");
    await page.unroute(`${BASE_URL}/api/v1/finance/transactions/`);
    const found = await apiCall(`finance/transactions/?search=${encodeURIComponent(refused)}`, { token, business: business.id });
    assert.equal(found.results.length, 0, "a refused record was never saved");
    const refusedLoad = new RegExp(`^console: Failed to load resource: the server responded with a status of 400 .*\\(${escape(BASE_URL)}/api/v1/finance/transactions/\\)$`);
    const at = handle.errors.findIndex((e) => refusedLoad.test(e));
    assert.ok(at >= 0, `the refused request was logged: ${handle.errors.join(" | ")}`);
    handle.errors.splice(at, 1);
    dropExpectedErrors({ offline: true });
    handle.assertClean("a refused offline record");
  });

  test("an expense recorded online is sent with an Idempotency-Key too", async () => {
    const { page } = handle;
    const online = `Airtime top-up ${RUN}`;
    await page.getByTestId("create-transaction").click();
    const dialog = page.getByTestId("transaction-dialog");
    await dialog.waitFor();
    assert.equal(await page.getByTestId("tx-offline-note").count(), 0, "no offline note while online");
    await page.getByTestId("tx-type").selectOption("expense");
    await page.getByTestId("tx-amount").fill("250.00");
    await page.getByTestId("tx-description").fill(online);
    await page.getByTestId("tx-date").fill("2026-03-07");
    const [request] = await Promise.all([
      page.waitForRequest((r) => r.method() === "POST" && r.url() === `${BASE_URL}/api/v1/finance/transactions/`),
      page.getByTestId("transaction-save").click(),
    ]);
    assert.match(request.headers()["idempotency-key"] ?? "", /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    await dialog.waitFor({ state: "detached" });
    await page.getByTestId("transaction-row").filter({ hasText: online }).waitFor();
    assert.equal(await page.getByTestId("outbox-item").count(), 0, "an online save doesn't go through the outbox");
    handle.assertClean("recording an expense online");
  });

  test("signing out wipes the data saved for offline use, so the next person on the phone sees none", async () => {
    const { page } = handle;
    assert.ok((await savedSnapshots(page)) > 0, "data was saved while signed in");
    await page.getByTestId("logout").click();
    await page.waitForURL((u) => u.pathname === "/login");
    const deadline = Date.now() + 5_000;
    while ((await savedSnapshots(page)) > 0 && Date.now() < deadline) await page.waitForTimeout(100);
    assert.equal(await savedSnapshots(page), 0, "no saved data is left after signing out");
    handle.assertClean("signing out");
  });
});
