// Invoices a business can work with (issue 12, item 3), clicked in the real app by a fresh owner:
// a draft is edited and its total changes, a sent one may change only its items, due date and notes,
// Duplicate makes a new draft, Send shows the invoice as the customer will see it first, the
// payments table lists a payment with its method and reference, and the PDF downloads.
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { after, before, describe, test } from "node:test";
import { BASE_URL, DESKTOP, MOBILE, cents, findOverlaps, launch, loginInUi, newPage, settle, waitForServer } from "./lib.mjs";

// Evaluated rather than added as a <script>: the app's CSP (script-src 'self') refuses inline scripts.
const AXE_SOURCE = await readFile(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const RUN = `${Date.now().toString(36)}i`;
const OWNER = { email: `invoices-${RUN}@e2e.kavi.test`, password: `Ankara-Mvua-${RUN.length}7!Tamu` };
const CUSTOMER = `Mama Mboga ${RUN}`;

let browser;
let owner;
const seed = {};

async function call(path, { method = "GET", json } = {}) {
  const headers = { Accept: "application/json", Authorization: `Bearer ${seed.access}`, "X-Business-ID": String(seed.business) };
  if (json !== undefined) headers["Content-Type"] = "application/json";
  const res = await fetch(`${BASE_URL}/api/v1/${path}`, { method, headers, body: json === undefined ? undefined : JSON.stringify(json) });
  const body = await res.json().catch(() => null);
  assert.ok(res.ok, `${method} ${path}: HTTP ${res.status} ${JSON.stringify(body)}`);
  return body;
}

async function anonymous(path, json) {
  const res = await fetch(`${BASE_URL}/api/v1/${path}`, { method: "POST", headers: { "Content-Type": "application/json", Accept: "application/json" }, body: JSON.stringify(json) });
  const body = await res.json().catch(() => null);
  assert.ok(res.ok, `POST ${path}: HTTP ${res.status} ${JSON.stringify(body)}`);
  return body;
}

async function axe(page, label) {
  await page.evaluate(`${AXE_SOURCE};0`);
  const found = await page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ["violations"] });
    return result.violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | ")}`);
  });
  assert.deepEqual(found, [], `axe on ${label}`);
}

async function noErrorToast(page) {
  await page.waitForTimeout(300);
  assert.equal(await page.getByTestId("toast-error").count(), 0, "no error toast is shown");
}

async function openInvoice(page, id) {
  await page.goto(`${BASE_URL}/invoices/${id}`);
  await settle(page, "page-invoice-detail");
}

const draftBody = (customer) => ({
  customer,
  issue_date: "2026-03-02",
  due_date: "2026-03-16",
  notes: "Thank you for your business",
  items: [
    { description: "Sukuma wiki, crate", quantity: "2", unit_price: "6500.00", tax_rate: "16" },
    { description: "Delivery", quantity: "1", unit_price: "500.00", tax_rate: "0" },
  ],
});

before(async () => {
  await waitForServer();
  browser = await launch();
  await anonymous("users/register/", { email: OWNER.email, password: OWNER.password, first_name: "Wanjiru", last_name: "Kamau" });
  seed.access = (await anonymous("auth/token/", { email: OWNER.email, password: OWNER.password })).access;
  const headers = { Accept: "application/json", Authorization: `Bearer ${seed.access}`, "Content-Type": "application/json" };
  const res = await fetch(`${BASE_URL}/api/v1/users/businesses/`, { method: "POST", headers, body: JSON.stringify({ legal_name: `Mboga Fresh ${RUN} Ltd` }) });
  assert.equal(res.status, 201);
  seed.business = (await res.json()).id;
  seed.customer = (await call("users/customers/", { method: "POST", json: { name: CUSTOMER } })).id;
  // 2 × 6500 + 16% = 15,080.00, plus 500.00 delivery: 15,580.00.
  seed.draft = await call("finance/invoices/", { method: "POST", json: draftBody(seed.customer) });
  assert.equal(seed.draft.total_amount, "15580.00");

  owner = await newPage(browser, DESKTOP);
  const { page } = owner;
  await loginInUi(page, OWNER);
  await settle(page, "page-dashboard");
});

after(async () => {
  await owner?.close();
  await browser?.close();
});

describe("an owner works with invoices", { concurrency: false }, () => {
  test("a draft is edited: a quantity changes and the total follows, on screen and on the server", async () => {
    const { page } = owner;
    await openInvoice(page, seed.draft.id);
    assert.equal(cents(await page.getByTestId("invoice-total").innerText()), 1558000n);
    await page.getByTestId("invoice-edit").click();
    await settle(page, "page-invoice-edit");
    assert.match(await page.title(), new RegExp(`Edit ${seed.draft.invoice_number}`));
    assert.equal(await page.getByTestId("invoice-customer").isDisabled(), false, "a draft's customer can change");
    const quantity = page.getByTestId("line-quantity").first();
    assert.equal(await quantity.inputValue(), "2");
    await quantity.fill("3");
    // 3 × 6500 + 16% = 22,620.00, plus 500.00.
    assert.equal(cents(await page.getByTestId("invoice-total").innerText()), 2312000n, "the summary recomputes");
    await axe(page, "the edit page");
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith(`/api/v1/finance/invoices/${seed.draft.id}/`) && r.request().method() === "PATCH"),
      page.getByTestId("invoice-save").click(),
    ]);
    assert.equal(response.status(), 200, await response.text());
    await page.waitForURL(new RegExp(`/invoices/${seed.draft.id}$`));
    await settle(page, "page-invoice-detail");
    await page.waitForFunction(() => document.querySelector('[data-testid="invoice-total"]')?.textContent?.includes("23,120.00"));
    const saved = await call(`finance/invoices/${seed.draft.id}/`);
    assert.equal(saved.total_amount, "23120.00");
    assert.equal(saved.items[0].quantity, "3.000");
    assert.equal(saved.items.length, 2, "the other line is kept");
    await noErrorToast(page);
    owner.assertClean("editing a draft");
  });

  test("Duplicate makes a new draft for the same customer and items", async () => {
    const { page } = owner;
    await openInvoice(page, seed.draft.id);
    await Promise.all([
      page.waitForURL((url) => /\/invoices\/\d+$/.test(url.pathname) && !url.pathname.endsWith(`/${seed.draft.id}`)),
      page.getByTestId("invoice-duplicate").click(),
    ]);
    await settle(page, "page-invoice-detail");
    const copyId = Number(new URL(page.url()).pathname.split("/").pop());
    const copy = await call(`finance/invoices/${copyId}/`);
    assert.equal(copy.status, "draft");
    assert.equal(copy.customer, seed.customer);
    assert.notEqual(copy.invoice_number, seed.draft.invoice_number);
    assert.deepEqual(
      copy.items.map((i) => [i.description, i.quantity, i.unit_price]),
      [
        ["Sukuma wiki, crate", "3.000", "6500.00"],
        ["Delivery", "1.000", "500.00"],
      ],
    );
    assert.equal(await page.getByTestId("invoice-number-heading").innerText(), copy.invoice_number);
    await noErrorToast(page);
    owner.assertClean("duplicating an invoice");
  });

  test("Send shows the invoice as the customer will see it, then sends it", async () => {
    const { page } = owner;
    // How customers pay, as the settings page sets it: the preview says it with the invoice number.
    await call(`users/businesses/${seed.business}/`, { method: "PATCH", json: { payment_instructions: { mpesa_paybill: "600987" } } });
    await openInvoice(page, seed.draft.id);
    await page.getByTestId("invoice-send").click();
    const preview = page.getByTestId("invoice-preview");
    await preview.waitFor();
    assert.equal(await preview.getByTestId("preview-customer").innerText(), CUSTOMER);
    assert.match(await preview.getByTestId("preview-business").innerText(), new RegExp(`Mboga Fresh ${RUN}`));
    assert.equal(await preview.getByTestId("preview-item").count(), 2);
    assert.equal(cents(await preview.getByTestId("preview-total").innerText()), 2312000n);
    assert.match(await preview.getByTestId("preview-due").innerText(), /16 Mar 2026/);
    assert.equal(await preview.getByTestId("preview-how-to-pay").innerText(), `Pay with M-Pesa: Paybill 600987, Account ${seed.draft.invoice_number}`);
    await axe(page, "the send preview");
    // Cancel sends nothing.
    await page.getByTestId("invoice-preview-cancel").click();
    await preview.waitFor({ state: "detached" });
    assert.equal((await call(`finance/invoices/${seed.draft.id}/`)).status, "draft");

    await page.getByTestId("invoice-send").click();
    await preview.waitFor();
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith(`/api/v1/finance/invoices/${seed.draft.id}/send/`)),
      page.getByTestId("invoice-preview-send").click(),
    ]);
    assert.equal(response.status(), 200);
    await preview.waitFor({ state: "detached" });
    // Sent; read as overdue once its (fixed, past) due date has gone by.
    assert.ok(["sent", "overdue"].includes((await call(`finance/invoices/${seed.draft.id}/`)).status));
    await page.waitForFunction(() => ["Sent", "Overdue"].includes(document.querySelector('[data-testid="invoice-status"]')?.textContent?.trim()));
    await noErrorToast(page);
    owner.assertClean("sending an invoice");
  });

  test("the payments table lists a payment with its method and reference", async () => {
    const { page } = owner;
    await openInvoice(page, seed.draft.id);
    await page.getByTestId("invoice-payments").getByTestId("empty-state").waitFor();
    await call(`finance/invoices/${seed.draft.id}/mark_paid/`, {
      method: "POST",
      json: { amount: "5000.00", paid_date: "2026-03-05", payment_method: "mpesa", reference: "SGR7K2LQ8W" },
    });
    await openInvoice(page, seed.draft.id);
    const row = page.getByTestId("invoice-payment");
    await row.waitFor();
    assert.equal(await row.count(), 1);
    assert.equal(await row.getByTestId("payment-row-method").innerText(), "M-Pesa");
    assert.equal(await row.getByTestId("payment-row-reference").innerText(), "SGR7K2LQ8W");
    assert.match(await row.innerText(), /5 Mar 2026/);
    assert.match(await row.innerText(), /5,000\.00/);
    await axe(page, "the invoice with payments");
    owner.assertClean("listing payments");
  });

  test("a partly paid invoice edits only its items, due date and notes, and says why", async () => {
    const { page } = owner;
    await openInvoice(page, seed.draft.id);
    await page.getByTestId("invoice-edit").click();
    await settle(page, "page-invoice-edit");
    await page.getByTestId("invoice-edit-locked").waitFor();
    assert.equal(await page.getByTestId("invoice-customer").isDisabled(), true);
    assert.equal(await page.getByTestId("invoice-issue-date").isDisabled(), true);
    assert.equal(await page.getByTestId("invoice-due-date").isDisabled(), false);
    await page.getByTestId("line-quantity").first().fill("4");
    await page.getByTestId("invoice-notes").fill("Two more crates added");
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith(`/api/v1/finance/invoices/${seed.draft.id}/`) && r.request().method() === "PATCH"),
      page.getByTestId("invoice-save").click(),
    ]);
    assert.equal(response.status(), 200, await response.text());
    assert.deepEqual(Object.keys(response.request().postDataJSON()).sort(), ["due_date", "items", "notes"]);
    await page.waitForURL(new RegExp(`/invoices/${seed.draft.id}$`));
    const saved = await call(`finance/invoices/${seed.draft.id}/`);
    assert.equal(saved.total_amount, "30660.00"); // 4 × 6500 + 16% + 500
    assert.ok(["partially_paid", "overdue"].includes(saved.status), saved.status);
    assert.equal(saved.balance_due, "25660.00");
    await noErrorToast(page);
    owner.assertClean("editing a partly paid invoice");
  });

  test("Download PDF gives a PDF", async () => {
    const { page } = owner;
    await openInvoice(page, seed.draft.id);
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("invoice-pdf").click()]);
    const bytes = await readFile(await download.path());
    assert.equal(bytes.subarray(0, 4).toString("latin1"), "%PDF");
    await noErrorToast(page);
    owner.assertClean("downloading the PDF");
  });

  test("a paid invoice can't be edited and says why", async () => {
    const { page } = owner;
    await call(`finance/invoices/${seed.draft.id}/mark_paid/`, { method: "POST", json: { paid_date: "2026-03-20", payment_method: "cash" } });
    await openInvoice(page, seed.draft.id);
    await page.getByTestId("invoice-edit-reason").waitFor();
    assert.equal(await page.getByTestId("invoice-edit").count(), 0);
    assert.equal(await page.getByTestId("invoice-payment").count(), 2);
    // The edit address itself explains rather than redirecting.
    await page.goto(`${BASE_URL}/invoices/${seed.draft.id}/edit`);
    await page.getByTestId("invoice-not-allowed").waitFor();
    assert.match(await page.getByTestId("invoice-not-allowed").innerText(), /paid invoice can't be edited/);
    owner.assertClean("a paid invoice");
  });

  test("on a phone the invoice's actions and payments are not covered", async () => {
    const phone = await newPage(browser, MOBILE);
    try {
      const { page } = phone;
      await page.goto(`${BASE_URL}/login`);
      await page.getByTestId("login-email").fill(OWNER.email);
      await page.getByTestId("login-password").fill(OWNER.password);
      await page.getByTestId("login-submit").click();
      await settle(page, "page-dashboard");
      await openInvoice(page, seed.draft.id);
      await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
      await page.waitForTimeout(200);
      const overlaps = (await findOverlaps(page)).filter((line) => /invoice|payment/i.test(line));
      assert.deepEqual(overlaps, [], "nothing on the invoice is covered");
      await axe(page, "the invoice at 390 px");
      phone.assertClean("the invoice on a phone");
    } finally {
      await phone.close();
    }
  });
});
