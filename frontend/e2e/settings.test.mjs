// Issue 12, item 4: the business settings page. A fresh owner sets a paybill in Settings, and the
// invoice PDF downloaded from the app then says "Pay with M-Pesa: Paybill 600987, Account <invoice
// number>". A staff member has no Settings entry, and the URL explains rather than redirects.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import { BASE_URL, DESKTOP, MOBILE, apiCall, launch, loginInUi, newPage, settle, waitForServer } from "./lib.mjs";

const RUN = `${Date.now().toString(36)}s`;
const OWNER = { email: `settings-${RUN}@e2e.kavi.test`, password: `Paybill-Mvua-${RUN.length}7!Tamu` };
const STAFF = { email: process.env.E2E_STAFF_EMAIL ?? "staff@demo.kavi.test", password: process.env.E2E_STAFF_PASSWORD ?? "Demo-Pass-2026!" };
// The repository's virtualenv (pypdf is a dev dependency there), run from frontend/.
const PYTHON = process.env.E2E_PYTHON ?? new URL("../../.venv/bin/python", import.meta.url).pathname;
const AXE = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

let browser;
const seed = {};

/** The text of a PDF, read with pypdf (whitespace collapsed). */
async function pdfText(path) {
  const script = "import sys\nfrom pypdf import PdfReader\nprint(' '.join(' '.join(p.extract_text() or '' for p in PdfReader(sys.argv[1]).pages).split()))";
  const { stdout } = await promisify(execFile)(PYTHON, ["-c", script, path]);
  return stdout.trim();
}

async function axe(page) {
  // Evaluated through the DevTools protocol: the app's CSP (script-src 'self') refuses inline scripts.
  if (!(await page.evaluate(() => "axe" in window))) await page.evaluate(await readFile(AXE, "utf8"));
  return page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ["violations"] });
    return result.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(" | ")}`);
  });
}

before(async () => {
  await waitForServer();
  browser = await launch();
  await apiCall("users/register/", { method: "POST", json: { email: OWNER.email, password: OWNER.password, first_name: "Wambui", last_name: "Kariuki" } });
  const { access } = await apiCall("auth/token/", { method: "POST", json: { email: OWNER.email, password: OWNER.password } });
  seed.token = access;
  seed.business = await apiCall("users/businesses/", { method: "POST", token: access, json: { legal_name: `Wambui Hardware ${RUN} Ltd` } });
  seed.customer = await apiCall("users/customers/", { method: "POST", token: access, business: seed.business.id, json: { name: `Otieno Builders ${RUN}` } });
});

after(async () => {
  await browser?.close();
});

describe("business settings", { concurrency: false }, () => {
  test("an owner sets a paybill and the invoice PDF tells the customer how to pay", async () => {
    const handle = await newPage(browser, DESKTOP);
    const { page } = handle;
    await loginInUi(page, OWNER);
    await page.getByTestId("nav-settings").click();
    await settle(page, "page-settings");
    assert.equal(await page.title(), "Settings · KAVI");
    assert.deepEqual(await axe(page), [], "no serious or critical axe violation on Settings");

    await page.getByTestId("settings-pay-kind").selectOption("paybill");
    await page.getByTestId("settings-pay-number").fill("600987");
    await page.getByTestId("settings-kra-pin").fill("p051234567x");
    await page.getByTestId("settings-address").fill("Kirinyaga Road, Nairobi");
    await page.getByTestId("settings-bank-name").fill("KCB");
    await page.getByTestId("settings-bank-account-number").fill("1100223344");
    const [saved] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith(`/api/v1/users/businesses/${seed.business.id}/`) && r.request().method() === "PATCH"),
      page.getByTestId("settings-save").click(),
    ]);
    assert.equal(saved.status(), 200, await saved.text());
    const body = await saved.json();
    assert.equal(body.payment_instructions.mpesa_paybill, "600987");
    assert.equal(body.kra_pin, "P051234567X");
    await page.getByTestId("toast-success").first().waitFor();
    // The form shows what was stored after the reload.
    await page.reload();
    await settle(page, "page-settings");
    assert.equal(await page.getByTestId("settings-pay-number").inputValue(), "600987");
    assert.equal(await page.getByTestId("settings-kra-pin").inputValue(), "P051234567X");

    // A bad paybill is explained beside the field.
    await page.getByTestId("settings-pay-number").fill("12");
    await page.getByTestId("settings-save").click();
    await page.getByTestId("field-error").filter({ hasText: /5 to 7 digits/ }).waitFor();
    const failed = handle.errors.findIndex((e) => /status of 400/.test(e));
    if (failed >= 0) handle.errors.splice(failed, 1);

    const invoice = await apiCall("finance/invoices/", {
      method: "POST",
      token: seed.token,
      business: seed.business.id,
      json: {
        customer: seed.customer.id,
        issue_date: "2026-03-02",
        due_date: "2026-03-16",
        items: [{ description: "Cement, 50 kg", quantity: "10", unit_price: "780.00", tax_rate: "16" }],
      },
    });
    await page.goto(`${BASE_URL}/invoices/${invoice.id}`);
    await settle(page, "page-invoice-detail");
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("invoice-pdf").click()]);
    const text = await pdfText(await download.path());
    assert.ok(text.includes(`Pay with M-Pesa: Paybill 600987, Account ${invoice.invoice_number}`), text);
    assert.ok(text.includes("KRA PIN P051234567X"), text);
    assert.ok(text.includes("Kirinyaga Road, Nairobi"), text);
    assert.ok(text.includes("KCB") && text.includes("1100223344"), text);
    handle.assertClean("setting a paybill and downloading the PDF");
    await handle.close();
  });

  test("a module switched off leaves the navigation, and comes back when switched on", async () => {
    const handle = await newPage(browser, DESKTOP);
    const { page } = handle;
    await loginInUi(page, OWNER);
    await page.goto(`${BASE_URL}/settings`);
    await settle(page, "page-settings");
    await page.getByTestId("nav-budgets").waitFor();
    const toggle = page.getByTestId("settings-module-budgets");
    await toggle.click();
    await page.getByTestId("nav-budgets").waitFor({ state: "detached" });
    // The API agrees: the module's endpoints are refused for this business.
    const res = await fetch(`${BASE_URL}/api/v1/finance/budgets/`, { headers: { Authorization: `Bearer ${seed.token}`, "X-Business-ID": String(seed.business.id) } });
    assert.equal(res.status, 403);
    assert.equal((await res.json()).code, "module_disabled");
    await toggle.click();
    await page.getByTestId("nav-budgets").waitFor();
    handle.assertClean("module switches");
    await handle.close();
  });

  test("the settings page works at 390 px", async () => {
    const handle = await newPage(browser, MOBILE);
    const { page } = handle;
    await loginInUi(page, OWNER);
    await page.goto(`${BASE_URL}/settings`);
    await settle(page, "page-settings");
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `no sideways scrolling (${overflow} px too wide)`);
    assert.deepEqual(await axe(page), [], "no serious or critical axe violation at 390 px");
    await page.getByTestId("settings-save").scrollIntoViewIfNeeded();
    assert.ok(await page.getByTestId("settings-save").isVisible());
    await page.getByTestId("settings-tab-mpesa").click();
    await settle(page, "page-mpesa-settings");
    await page.getByTestId("mpesa-settings-form").waitFor();
    handle.assertClean("settings at 390 px");
    await handle.close();
  });

  test("a staff member doesn't see Settings, and the URL explains why", async () => {
    const handle = await newPage(browser, DESKTOP);
    const { page } = handle;
    await loginInUi(page, STAFF);
    assert.equal(await page.getByTestId("nav-settings").count(), 0, "no Settings entry for staff");
    await page.goto(`${BASE_URL}/settings`);
    await settle(page, "page-settings");
    await page.getByTestId("settings-admin-only").waitFor();
    assert.equal(new URL(page.url()).pathname, "/settings", "no redirect");
    assert.equal(await page.getByTestId("settings-form").count(), 0);
    handle.assertClean("staff on /settings");
    await handle.close();
  });
});
