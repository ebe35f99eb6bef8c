// The everyday actions a shop owner found broken (issue 12, item 1), each clicked in the real app:
// the invoice PDF downloads, an attached receipt opens, a monthly budget saves without an end date,
// and "Read aloud" falls back to the browser's voice when the server has none (503).
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { after, before, describe, test } from "node:test";
import { BASE_URL, DESKTOP, launch, loginInUi, newPage, settle, waitForServer } from "./lib.mjs";

const RUN = `${Date.now().toString(36)}a`;
const OWNER = { email: `actions-${RUN}@e2e.kavi.test`, password: `Sukari-Mvua-${RUN.length}9!Tamu` };
// A real 1 × 1 PNG: the server checks a receipt by its first bytes.
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==",
  "base64",
);
const PDF = Buffer.from("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n", "latin1");
const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

let browser;
let owner;
const seed = {};

async function call(path, { method = "GET", token, business, json } = {}) {
  const headers = { Accept: "application/json" };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (business) headers["X-Business-ID"] = String(business);
  if (json !== undefined) headers["Content-Type"] = "application/json";
  const res = await fetch(`${BASE_URL}/api/v1/${path}`, { method, headers, body: json === undefined ? undefined : JSON.stringify(json) });
  const body = await res.json().catch(() => null);
  assert.ok(res.ok, `${method} ${path}: HTTP ${res.status} ${JSON.stringify(body)}`);
  return body;
}

/** Drops the one console entry a request the test expected to fail leaves behind. */
async function expectFailedLoad(handle, status, path) {
  const expected = new RegExp(`^console: Failed to load resource: the server responded with a status of ${status} .*\\(${escape(BASE_URL)}/api/v1/${escape(path)}\\)$`);
  for (let i = 0; i < 20 && !handle.errors.some((e) => expected.test(e)); i++) await handle.page.waitForTimeout(100);
  const at = handle.errors.findIndex((e) => expected.test(e));
  assert.ok(at >= 0, `the refused ${path} request was logged: ${handle.errors.join(" | ")}`);
  handle.errors.splice(at, 1);
}

async function noErrorToast(page) {
  await page.waitForTimeout(300);
  assert.equal(await page.getByTestId("toast-error").count(), 0, "no error toast is shown");
}

before(async () => {
  await waitForServer();
  browser = await launch();
  // A new owner with a business, a customer and an invoice, made through the API; the test clicks the rest.
  await call("users/register/", { method: "POST", json: { email: OWNER.email, password: OWNER.password, first_name: "Achieng", last_name: "Otieno" } });
  const { access } = await call("auth/token/", { method: "POST", json: { email: OWNER.email, password: OWNER.password } });
  const business = await call("users/businesses/", { method: "POST", token: access, json: { legal_name: `Duka ya Achieng ${RUN} Ltd` } });
  const customer = await call("users/customers/", { method: "POST", token: access, business: business.id, json: { name: `Mama Njeri ${RUN}` } });
  seed.invoice = await call("finance/invoices/", {
    method: "POST",
    token: access,
    business: business.id,
    json: {
      customer: customer.id,
      issue_date: "2026-03-02",
      due_date: "2026-03-16",
      items: [{ description: "Sugar, 50 kg bag", quantity: "2", unit_price: "6500.00", tax_rate: "16" }],
    },
  });

  owner = await newPage(browser, DESKTOP);
  // "Read aloud" is heard through speechSynthesis: record what it is asked to say.
  await owner.page.addInitScript(() => {
    window.__spoken = [];
    if (!("speechSynthesis" in window)) return;
    window.speechSynthesis.speak = (utterance) => {
      window.__spoken.push({ text: utterance.text, lang: utterance.lang });
      setTimeout(() => utterance.onend?.(new Event("end")), 0);
    };
  });
  const { page } = owner;
  await loginInUi(page, OWNER);
  await settle(page, "page-dashboard");
});

after(async () => {
  await owner?.close();
  await browser?.close();
});

describe("the everyday actions work", { concurrency: false }, () => {
  test("Download PDF saves the invoice as a PDF", async () => {
    const { page } = owner;
    await page.goto(`${BASE_URL}/invoices/${seed.invoice.id}`);
    await settle(page, "page-invoice-detail");
    const [download, response] = await Promise.all([
      page.waitForEvent("download"),
      page.waitForResponse((r) => r.url().endsWith(`/api/v1/finance/invoices/${seed.invoice.id}/pdf/`)),
      page.getByTestId("invoice-pdf").click(),
    ]);
    assert.equal(response.status(), 200);
    assert.equal(response.headers()["content-type"], "application/pdf");
    const bytes = await readFile(await download.path());
    assert.equal(bytes.subarray(0, 4).toString("latin1"), "%PDF", "the file is a PDF");
    assert.ok(download.suggestedFilename().endsWith(".pdf"), download.suggestedFilename());
    await noErrorToast(page);
    owner.assertClean("downloading the invoice PDF");
  });

  test("an attached receipt opens as the image it is", async () => {
    const { page, context } = owner;
    const description = `Receipt for packaging ${RUN}`;
    await page.getByTestId("nav-transactions").click();
    await settle(page, "page-transactions");
    await page.getByTestId("create-transaction").click();
    const dialog = page.getByTestId("transaction-dialog");
    await dialog.waitFor();
    await page.getByTestId("tx-type").selectOption("expense");
    await page.getByTestId("tx-amount").fill("350.00");
    await page.getByTestId("tx-category").fill("Packaging");
    await page.getByTestId("tx-description").fill(description);
    await page.getByTestId("tx-receipt").setInputFiles({ name: "receipt.png", mimeType: "image/png", buffer: PNG });
    await page.getByTestId("transaction-save").click();
    await dialog.waitFor({ state: "detached" });
    const row = page.getByTestId("transaction-row").filter({ hasText: description });
    await row.waitFor();

    const [popup, response] = await Promise.all([
      context.waitForEvent("page"),
      page.waitForResponse((r) => /\/api\/v1\/finance\/transactions\/\d+\/receipt\/$/.test(r.url())),
      row.getByTestId("transaction-receipt").click(),
    ]);
    assert.equal(response.status(), 200);
    assert.equal(response.headers()["content-type"], "image/png");
    // (The page reads the body itself, so Playwright may not keep a copy: its length says it is the file.)
    assert.equal(response.headers()["content-length"], String(PNG.length), "the receipt is the file that was attached");
    await popup.waitForURL(/^blob:/);
    await popup.waitForLoadState("load");
    assert.equal(await popup.evaluate(() => document.contentType), "image/png", "the tab shows the receipt as an image");
    const size = await popup.evaluate(() => {
      const img = document.querySelector("img");
      return img ? [img.naturalWidth, img.naturalHeight] : null;
    });
    assert.deepEqual(size, [1, 1], "the image decoded");
    await popup.close();
    await noErrorToast(page);
    owner.assertClean("opening a receipt");
  });

  test("a PDF receipt downloads as the PDF it is", async () => {
    const { page } = owner;
    const description = `PDF receipt for rent ${RUN}`;
    await page.getByTestId("create-transaction").click();
    const dialog = page.getByTestId("transaction-dialog");
    await dialog.waitFor();
    await page.getByTestId("tx-type").selectOption("expense");
    await page.getByTestId("tx-amount").fill("12000.00");
    await page.getByTestId("tx-category").fill("Rent");
    await page.getByTestId("tx-description").fill(description);
    await page.getByTestId("tx-receipt").setInputFiles({ name: "rent.pdf", mimeType: "application/pdf", buffer: PDF });
    await page.getByTestId("transaction-save").click();
    await dialog.waitFor({ state: "detached" });
    const row = page.getByTestId("transaction-row").filter({ hasText: description });
    await row.waitFor();
    const pagesBefore = owner.context.pages().length;
    const [download, response] = await Promise.all([
      page.waitForEvent("download"),
      page.waitForResponse((r) => /\/api\/v1\/finance\/transactions\/\d+\/receipt\/$/.test(r.url())),
      row.getByTestId("transaction-receipt").click(),
    ]);
    assert.equal(response.status(), 200);
    assert.equal(response.headers()["content-type"], "application/pdf");
    const bytes = await readFile(await download.path());
    assert.deepEqual(bytes, PDF, "the downloaded file is the PDF that was attached");
    assert.match(download.suggestedFilename(), /^receipt-\d+\.pdf$/);
    assert.equal(owner.context.pages().length, pagesBefore, "no blank tab is left open");
    await noErrorToast(page);
    owner.assertClean("opening a PDF receipt");
  });

  test("a monthly budget saves with only category, amount, period and start date", async () => {
    const { page } = owner;
    const category = `Stock ${RUN}`;
    await page.getByTestId("nav-budgets").click();
    await settle(page, "page-budgets");
    await page.getByTestId("create-budget").click();
    const dialog = page.getByTestId("budget-dialog");
    await dialog.waitFor();
    await page.getByTestId("budget-category").fill(category);
    await page.getByTestId("budget-amount").fill("45000.00");
    await page.getByTestId("budget-period").selectOption("monthly");
    await page.getByTestId("budget-start").fill("2026-03-01");
    assert.equal(await page.getByTestId("budget-end").inputValue(), "", "no end date is given");
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith("/api/v1/finance/budgets/") && r.request().method() === "POST"),
      page.getByTestId("budget-save").click(),
    ]);
    const sent = response.request().postDataJSON();
    assert.ok(!("end_date" in sent), `the form leaves the empty end date out: ${JSON.stringify(sent)}`);
    assert.equal(response.status(), 201, await response.text());
    const saved = await response.json();
    assert.deepEqual([saved.category, saved.amount, saved.period, saved.start_date, saved.end_date], [category, "45000.00", "monthly", "2026-03-01", "2026-03-31"]);
    await dialog.waitFor({ state: "detached" });
    const card = page.getByTestId("budget-card").filter({ hasText: category });
    await card.waitFor();
    assert.match(await card.innerText(), /45,000\.00/);
    await noErrorToast(page);
    owner.assertClean("saving a budget");
  });

  test("Read aloud falls back to the browser's voice, silently, when the server has none (503)", async () => {
    const { page } = owner;
    await page.goto(`${BASE_URL}/`);
    await settle(page, "page-dashboard");
    await page.getByTestId("kavi-open").click();
    await page.getByTestId("kavi-panel").waitFor();
    await page.getByTestId("kavi-input").fill("What was our total income this month?");
    await page.getByTestId("kavi-send").click();
    const reply = page.locator('[data-testid="kavi-message"][data-role="kavi"]').last();
    await reply.waitFor({ timeout: 30_000 });
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith("/api/v1/kavi/tts/")),
      reply.getByTestId("kavi-speak").click(),
    ]);
    // `make e2e` runs without an ElevenLabs key: the server says so rather than refusing the Accept.
    assert.equal(response.status(), 503);
    assert.equal((await response.json()).code, "tts_unavailable");
    await page.waitForFunction(() => window.__spoken.length > 0);
    const spoken = await page.evaluate(() => window.__spoken);
    assert.equal(spoken.length, 1, "spoken once");
    const text = (await reply.locator("p").first().innerText()).trim();
    assert.equal(spoken[0].text.trim(), text, "the browser reads KAVI's answer");
    assert.match(spoken[0].lang, /^(en|sw)-KE$/);
    await noErrorToast(page);
    await expectFailedLoad(owner, 503, "kavi/tts/");
    // Once the server has said it has no voice, the next answer goes straight to the browser.
    await reply.getByTestId("kavi-speak").click();
    await page.waitForFunction(() => window.__spoken.length > 1);
    await noErrorToast(page);
    await page.getByTestId("dialog-close").click();
    owner.assertClean("reading an answer aloud");
  });
});
