// Issue 12, item 2: a browser test that clicks everything. For each role (owner, admin, staff,
// viewer), at 1280 px and at 390 px, every page the navigation offers is loaded and every enabled,
// visible button, link, tab and menu item on it is clicked in turn. Nothing here lists the buttons a
// page should have: the controls are discovered from the rendered page, so new pages and buttons are
// covered as they land; drop-downs outside forms are set to another option. A click fails the run on an error toast, a console or page error, a 5xx, an
// unexpected 4xx, a delete sent without a confirmation, or a link to a page that doesn't render; at
// 390 px no control may cover another (bounding boxes, and elementFromPoint at each control's
// centre). What a role may not do must be hidden or explained: visiting any page the owner can reach
// directly as another role must not silently move to another URL.
//
// The seed: a fresh owner creates a business through the API with data on every page, invites an
// admin, a staff member and a viewer (fresh users who accept their invitation: the token is read from
// the e-mail the server printed, see inviteToken), and the crawl never confirms a destructive action.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  BASE_URL,
  DESKTOP,
  MOBILE,
  apiCall,
  collectControls,
  findOverlaps,
  inviteToken,
  launch,
  loginInUi,
  newPage,
  settlePage,
  trackNetwork,
  waitForServer,
} from "./lib.mjs";

const RUN = `${Date.now().toString(36)}c`;
const PASSWORD = `Kila-Kitu-${RUN}-Bonyeza!`;
const ROLES = ["owner", "admin", "staff", "viewer"];
// E2E_CLICKALL_ROLES=owner,viewer crawls only those roles (all four are seeded); E2E_CLICKALL_VERBOSE=1 logs each click.
const CRAWLED = (process.env.E2E_CLICKALL_ROLES ?? ROLES.join(",")).split(",").filter((r) => ROLES.includes(r));
const VERBOSE = !!process.env.E2E_CLICKALL_VERBOSE;
const USERS = Object.fromEntries(ROLES.map((r) => [r, { email: `clickall-${r}-${RUN}@e2e.kavi.test`, password: PASSWORD }]));
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==",
  "base64",
);
// Per page and viewport, at most this many distinct controls are clicked (identical controls, same
// role and accessible name, count once). The phone pass clicks what the desktop pass didn't see.
const MAX_CLICKS = Number(process.env.E2E_CLICKALL_MAX ?? 30);
const MAX_CLICKS_MOBILE = Number(process.env.E2E_CLICKALL_MAX_MOBILE ?? 12);

/**
 * 4xx answers that are expected, each with its reason. Anything else under /api/ is a failure.
 * `path` is a RegExp on the URL path; `roles` limits it to roles that are refused on purpose.
 */
const EXPECTED_4XX = [
  { status: 401, path: /^\/api\/v1\/auth\/token\/refresh\/$/, reason: "the app probes its refresh token on load; 401 means signed out" },
  { status: 503, path: /\/tts\/$/, reason: "no ElevenLabs key in the e2e server: read aloud falls back to speechSynthesis silently" },
];

let browser;
const seed = { business: null, invoices: {}, tokens: {} };
const failures = [];
const summary = [];
const startedAt = Date.now();

function fail(where, message) {
  failures.push(`${where}: ${message}`);
}

before(async () => {
  await waitForServer();
  browser = await launch();

  // --- The owner, the business and its data (fixed dates, so nothing depends on today).
  await apiCall("users/register/", { method: "POST", json: { ...USERS.owner, first_name: "Zawadi", last_name: "Mutua" } });
  const { access } = await apiCall("auth/token/", { method: "POST", json: USERS.owner });
  const token = access;
  const business = await apiCall("users/businesses/", { method: "POST", token, json: { legal_name: `Bonyeza Kila Kitu ${RUN} Ltd`, dba_name: `Bonyeza ${RUN}` } });
  seed.business = business.id;
  const as = { token, business: business.id };
  const customers = [];
  for (const name of ["Mama Njeri Grocers", "Otieno Hardware"]) {
    customers.push(await apiCall("users/customers/", { method: "POST", ...as, json: { name: `${name} ${RUN}`, phone: "+254712345678", email: `c-${customers.length}-${RUN}@e2e.kavi.test` } }));
  }
  await apiCall("finance/suppliers/", { method: "POST", ...as, json: { name: `Unga Millers ${RUN}`, phone: "+254722000111" } });
  const tx = [
    { transaction_type: "income", amount: "12500.00", category: "Sales", description: "Counter sales", payment_method: "cash", transaction_date: "2026-03-02" },
    { transaction_type: "income", amount: "8300.00", category: "Sales", description: "M-Pesa sales", payment_method: "mpesa", transaction_date: "2026-03-03" },
    { transaction_type: "expense", amount: "4200.00", category: "Rent", description: "Shop rent", payment_method: "bank_transfer", transaction_date: "2026-03-04" },
  ];
  for (const t of tx) await apiCall("finance/transactions/", { method: "POST", ...as, json: t });
  // One expense with a receipt attached (multipart, as the app sends it).
  const form = new FormData();
  for (const [k, v] of Object.entries({ transaction_type: "expense", amount: "350.00", category: "Packaging", description: `Packaging with receipt ${RUN}`, payment_method: "cash", transaction_date: "2026-03-05" })) form.append(k, v);
  form.append("receipt", new Blob([PNG], { type: "image/png" }), "receipt.png");
  await apiCall("finance/transactions/", { method: "POST", ...as, form });
  const invoice = (i, desc) =>
    apiCall("finance/invoices/", {
      method: "POST",
      ...as,
      json: { customer: customers[i % 2].id, issue_date: "2026-03-02", due_date: "2026-03-16", items: [{ description: desc, quantity: "2", unit_price: "1500.00", tax_rate: "16" }] },
    });
  seed.invoices.draft = await invoice(0, "Maize flour bale");
  seed.invoices.sent = await invoice(1, "Cooking oil, 20 l");
  await apiCall(`finance/invoices/${seed.invoices.sent.id}/send/`, { method: "POST", ...as });
  seed.invoices.paid = await invoice(0, "Sugar, 50 kg bag");
  await apiCall(`finance/invoices/${seed.invoices.paid.id}/send/`, { method: "POST", ...as });
  await apiCall(`finance/invoices/${seed.invoices.paid.id}/mark_paid/`, { method: "POST", ...as, json: { payment_method: "mpesa", reference: "SFT4K2L9QX", paid_date: "2026-03-06" } });
  await apiCall("finance/budgets/", { method: "POST", ...as, json: { category: "Rent", amount: "5000.00", period: "monthly", start_date: "2026-03-01" } });

  // --- A member per role: invited through the API, accepting with the token from their e-mail.
  for (const role of ["admin", "staff", "viewer"]) {
    const user = USERS[role];
    await apiCall("users/register/", { method: "POST", json: { ...user, first_name: role[0].toUpperCase() + role.slice(1), last_name: "Clickall" } });
    await apiCall("users/invitations/", { method: "POST", ...as, json: { email: user.email, role } });
    const invite = await inviteToken(user.email);
    const { access: theirs } = await apiCall("auth/token/", { method: "POST", json: user });
    await apiCall("users/invitations/accept/", { method: "POST", token: theirs, json: { token: invite } });
  }
});

after(async () => {
  await browser?.close();
  const seconds = ((Date.now() - startedAt) / 1000).toFixed(0);
  const clicks = summary.reduce((n, s) => n + s.clicked, 0);
  const pages = summary.reduce((n, s) => n + s.pages, 0);
  console.log(`click-everything: ${summary.length} role × viewport runs, ${pages} pages, ${clicks} controls clicked, ${seconds} s`);
  for (const s of summary) console.log(`  ${s.role.padEnd(6)} ${String(s.width).padStart(4)} px: ${String(s.pages).padStart(2)} pages, ${String(s.clicked).padStart(3)} clicked, ${s.skipped} external links checked, ${s.vanished} gone before their turn, ${s.overlapChecks} overlap checks`);
});

/** Pages reachable from the shell: the main navigation and the account links, as rendered for this role. */
async function navTargets(page, viewport) {
  if (viewport === MOBILE) {
    const opener = page.getByTestId("menu-open");
    await opener.click();
    await page.getByTestId("mobile-menu").waitFor();
  }
  const root = viewport === MOBILE ? page.getByTestId("mobile-menu") : page.locator("aside");
  const hrefs = await root.locator("a[href]").evaluateAll((as) => as.map((a) => new URL(a.href).pathname));
  if (viewport === MOBILE) await page.keyboard.press("Escape");
  return [...new Set(hrefs)];
}

/** Waits for the requests a click started, then classifies what happened. */
async function afterClick(page, net, before) {
  await net.idle();
  const url = new URL(page.url());
  const dialogs = await page.locator('[role="dialog"], [role="alertdialog"]').count();
  return { moved: url.pathname !== before.pathname || url.search !== before.search, url, dialogs };
}

/** Closes whatever dialogs are open: Escape first, then their Close or Cancel button. */
async function closeDialogs(page) {
  for (let i = 0; i < 4; i++) {
    const open = page.locator('[role="dialog"], [role="alertdialog"]');
    if ((await open.count()) === 0) return true;
    const top = open.last();
    await top.focus().catch(() => undefined);
    await page.keyboard.press("Escape");
    if ((await open.count()) === 0) return true;
    const close = top.locator('[data-testid="dialog-close"], [data-testid="confirm-cancel"]').first();
    if (await close.count()) await close.click({ timeout: 2_000 }).catch(() => undefined);
  }
  return (await page.locator('[role="dialog"], [role="alertdialog"]').count()) === 0;
}

/**
 * Clicks every discovered control on one page. Returns the number clicked. `seen` is shared by the
 * whole role × viewport run, so the shell's controls (navigation, menu, KAVI) are clicked once.
 */
async function crawlPage(h, net, role, viewport, path, seen, stats, knownTargets) {
  const { page } = h;
  const where = (c) => `${role} ${viewport.width}px ${path} [${c.role} "${c.name}"]`;
  const load = async () => {
    await page.goto(`${BASE_URL}${path}`);
    await settlePage(page);
    await net.idle();
  };
  await load();
  if (new URL(page.url()).pathname !== path) return 0; // access is checked separately
  let controls = await collectControls(page);
  if (viewport === MOBILE) {
    stats.overlapChecks += 1;
    for (const o of await findOverlaps(page)) fail(`${role} 390px ${path}`, o);
  }
  const cap = viewport === MOBILE ? MAX_CLICKS_MOBILE : MAX_CLICKS;
  const id = (c) => (c.scope === "shell" ? c.key : `${path} ${c.key}`);
  const todo = controls.filter((c) => !seen.has(id(c)) || (viewport === MOBILE && dialogOpeners[role].has(id(c)))).slice(0, cap);
  let clicked = 0;
  let dirty = false;
  for (const c of todo) {
    seen.add(id(c));
    if (c.external) {
      stats.skipped += 1;
      if (!/^(https?:|mailto:|tel:)/.test(c.href)) fail(where(c), `external link with an odd address: ${c.href}`);
      continue;
    }
    if (dirty) {
      await load();
      dirty = false;
    }
    controls = await collectControls(page);
    const now = controls.find((x) => x.key === c.key && x.occurrence === c.occurrence);
    if (!now) {
      await load();
      controls = await collectControls(page);
    }
    const again = controls.find((x) => x.key === c.key && x.occurrence === c.occurrence);
    if (!again) {
      stats.vanished += 1; // it only existed in a state a previous click made
      continue;
    }
    const before = new URL(page.url());
    net.mark();
    const popup = h.context.waitForEvent("page", { timeout: 1_500 }).catch(() => null);
    try {
      const control = page.locator(`[data-clickall="${again.index}"]`);
      if (again.focusFirst) await control.focus();
      await control.click({ timeout: 5_000 });
    } catch (err) {
      fail(where(c), `could not be clicked: ${err.message.split("\n")[0]}`);
      dirty = true;
      continue;
    }
    clicked += 1;
    const result = await afterClick(page, net, before);
    if (VERBOSE) console.log(`${where(c)} -> ${result.moved ? result.url.pathname : "same page"}${result.dialogs ? `, ${result.dialogs} dialog(s)` : ""}; ${net.since().map((r) => `${r.method} ${r.path}`).join(", ")}`);
    const opened = c.role === "link" && c.target === "_blank" ? await popup : null;
    if (opened) await opened.close().catch(() => undefined);
    // A delete must have been confirmed; the crawl never confirms, so one that went out wasn't asked.
    for (const r of net.since()) {
      if (r.method === "DELETE") fail(where(c), `sent DELETE ${r.path} without a confirmation`);
    }
    if (result.dialogs > 0) {
      if (viewport === DESKTOP) dialogOpeners[role].add(id(c));
      else dialogOpeners[role].delete(id(c));
      if (viewport === MOBILE) {
        stats.overlapChecks += 1;
        for (const o of await findOverlaps(page)) fail(`${where(c)} (its dialog)`, o);
      }
      if (!(await closeDialogs(page))) fail(where(c), "the dialog it opened doesn't close with Escape or its Close button");
      await net.idle();
    }
    if (new URL(page.url()).pathname === "/login") {
      // Signing out is a legitimate outcome of a shell control: sign back in and carry on.
      await loginInUi(page, USERS[role]);
      await net.idle();
      dirty = true;
    } else if (result.moved) {
      knownTargets.add(result.url.pathname);
      const rendered = await page
        .locator('main [data-testid^="page-"]:not([data-testid="page-loading"])')
        .first()
        .waitFor({ timeout: 10_000 })
        .then(() => true)
        .catch(() => false);
      if (!rendered) fail(where(c), `led to ${result.url.pathname}, which shows no page`);
      else await settlePage(page);
      dirty = true;
    }
    if (net.since().some((r) => r.method !== "GET")) dirty = true;
    // A dialog that opened and closed again without a write leaves the page as it was: no reload.
    const toasts = await page.getByTestId("toast-error").allInnerTexts();
    if (toasts.length) fail(where(c), `error toast: ${toasts.join(" | ")}`);
    for (const e of h.errors.splice(0)) fail(where(c), e);
    for (const e of net.problems.splice(0)) fail(where(c), e);
    if (toasts.length) dirty = true;
  }
  // Drop-downs outside forms and tables (filters, periods): each is set to another option once, at
  // 1280 px. One in a table row edits that row (a member's role), which would change the seed.
  if (viewport === DESKTOP) {
    if (dirty) await load();
    const selects = await page.locator("main select:not(form select):not(table select):not([role=dialog] select)").evaluateAll((els) =>
      els
        .filter((el) => !el.disabled && el.getBoundingClientRect().width > 0 && el.options.length > 1)
        .map((el) => ({ id: el.getAttribute("data-testid") || el.getAttribute("aria-label") || el.name, value: [...el.options].map((o) => o.value).filter((v) => v !== el.value).at(-1) })),
    );
    for (const sel of selects.slice(0, 5)) {
      if (!sel.id || seen.has(`${path} select ${sel.id}`)) continue;
      seen.add(`${path} select ${sel.id}`);
      const box = page.locator(`main select[data-testid="${sel.id}"], main select[aria-label="${sel.id}"], main select[name="${sel.id}"]`).first();
      net.mark();
      await box.selectOption(sel.value, { timeout: 5_000 }).catch((err) => fail(`${role} ${path} [select ${sel.id}]`, err.message.split("\n")[0]));
      await net.idle();
      clicked += 1;
      if (VERBOSE) console.log(`${role} ${viewport.width}px ${path} [select ${sel.id} = ${sel.value}]: ${net.since().map((r) => `${r.method} ${r.path}`).join(", ")}`);
      const toasts = await page.getByTestId("toast-error").allInnerTexts();
      if (toasts.length) fail(`${role} ${path} [select ${sel.id}]`, `error toast: ${toasts.join(" | ")}`);
    }
  }
  for (const e of h.errors.splice(0)) fail(`${role} ${viewport.width}px ${path}`, e);
  for (const e of net.problems.splice(0)) fail(`${role} ${viewport.width}px ${path}`, e);
  return clicked;
}

// What each role has clicked, across both viewports: the phone pass clicks what only a phone shows
// (and checks every page for overlaps), rather than repeating the desktop's clicks.
const seenByRole = Object.fromEntries(ROLES.map((r) => [r, new Set()]));
// Controls that opened a dialog at 1280 px: the phone pass opens them again to check the dialog's layout.
const dialogOpeners = Object.fromEntries(ROLES.map((r) => [r, new Set()]));

async function runRole(role, viewport, knownTargets) {
  const h = await newPage(browser, viewport);
  const { page } = h;
  page.on("dialog", (d) => d.dismiss().catch(() => undefined)); // a native confirm() is always cancelled
  page.on("filechooser", () => undefined); // a file picker opened: nothing is chosen
  page.on("download", (d) => d.cancel().catch(() => undefined));
  const net = trackNetwork(page, { expected: EXPECTED_4XX, errors: h.errors });
  const stats = { role, width: viewport.width, pages: 0, clicked: 0, skipped: 0, vanished: 0, overlapChecks: 0 };
  try {
    await loginInUi(page, USERS[role]);
    const pages = await navTargets(page, viewport);
    if (role === "owner") for (const p of pages) knownTargets.add(p);
    // The seeded invoices: their detail pages carry the actions that matter most on a phone.
    for (const inv of Object.values(seed.invoices)) pages.push(`/invoices/${inv.id}`);
    const seen = seenByRole[role];
    for (const path of pages) {
      stats.pages += 1;
      stats.clicked += await crawlPage(h, net, role, viewport, path, seen, stats, knownTargets);
    }
    if (viewport === MOBILE) {
      // The invoice form too: its VAT field and totals are where the floating button used to sit.
      for (const path of ["/invoices/new"]) {
        if (!knownTargets.has(path)) continue;
        await page.goto(`${BASE_URL}${path}`);
        await settlePage(page);
        if (new URL(page.url()).pathname !== path) continue;
        stats.overlapChecks += 1;
        for (const o of await findOverlaps(page)) fail(`${role} 390px ${path}`, o);
      }
    }
  } finally {
    for (const e of h.errors.splice(0)) fail(`${role} ${viewport.width}px`, e);
    summary.push(stats);
    // The phone's signed-in context stays open for the access check (each sign-in counts against the
    // server's anonymous rate limit, shared by the whole e2e run).
    if (viewport === MOBILE && role !== "owner") signedIn[role] = h;
    else await h.close();
  }
}

const signedIn = {};

/** Every page the owner reached, visited directly as `role`: it renders, or explains; never a silent move. */
async function checkAccess(role, targets) {
  const h = signedIn[role] ?? (await newPage(browser, DESKTOP));
  const { page } = h;
  const net = trackNetwork(page, { expected: EXPECTED_4XX, errors: h.errors, refusals: true });
  try {
    if (!signedIn[role]) await loginInUi(page, USERS[role]);
    delete signedIn[role];
    for (const path of targets) {
      await page.goto(`${BASE_URL}${path}`);
      await settlePage(page);
      await net.idle();
      const landed = new URL(page.url()).pathname;
      if (landed !== path) {
        const explained = await page.locator('[role="alert"], [role="status"], [data-testid="access-note"]').filter({ hasText: /\S/ }).count();
        if (!explained) fail(`${role} ${path}`, `silently redirected to ${landed}`);
      }
      for (const e of h.errors.splice(0)) fail(`${role} ${path} (direct visit)`, e);
      for (const e of net.problems.splice(0)) fail(`${role} ${path} (direct visit)`, e);
    }
  } finally {
    await h.close();
  }
}

describe("click everything", { concurrency: false }, () => {
  const targets = new Set(["/team", "/activity", "/settings/mpesa"]);

  // The four roles run side by side (a context each in one browser); the viewports one after the other.
  for (const viewport of [DESKTOP, MOBILE]) {
    test(`owner, admin, staff and viewer at ${viewport.width} px: every control on every page`, async () => {
      await Promise.all(CRAWLED.map((role) => runRole(role, viewport, targets)));
    });
  }

  test("what a role may not do is hidden or explained, never a silent redirect", async () => {
    await Promise.all(CRAWLED.filter((r) => r !== "owner").map((role) => checkAccess(role, [...targets])));
  });

  test("nothing failed", () => {
    assert.deepEqual(failures, [], `${failures.length} problem(s):\n  ${failures.join("\n  ")}`);
  });
});
