// Shared helpers for the end-to-end run: Debian's Chromium through playwright-core (no browser downloads).
import { mkdirSync } from "node:fs";
import { chromium } from "playwright-core";

export const BASE_URL = (process.env.E2E_BASE_URL ?? "http://127.0.0.1:8000").replace(/\/+$/, "");
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const ARTIFACTS = new URL("./artifacts/", import.meta.url);
mkdirSync(ARTIFACTS, { recursive: true });

export const DESKTOP = { width: 1280, height: 900 };
export const MOBILE = { width: 390, height: 844 };

/** Waits for the server to answer its health check (it may still be starting). */
export async function waitForServer(timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${BASE_URL}/api/health/`, { signal: AbortSignal.timeout(5_000) });
      if (res.ok) return;
      last = `HTTP ${res.status}`;
    } catch (err) {
      last = err.message;
    }
    await new Promise((r) => setTimeout(r, 1_000));
  }
  throw new Error(`${BASE_URL} is not answering /api/health/ (${last}). Start the server (make run) first.`);
}

export function launch() {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/**
 * A page that records every console error and uncaught exception; `assertClean()` fails the test
 * if any happened.
 */
export async function newPage(browser, viewport = DESKTOP) {
  const context = await browser.newContext({ viewport, locale: "en-KE", timezoneId: "Africa/Nairobi", acceptDownloads: true });
  const page = await context.newPage();
  const errors = [];
  page.on("console", (msg) => {
    if (msg.type() === "error") errors.push(`console: ${msg.text()} (${msg.location()?.url ?? ""})`);
  });
  page.on("pageerror", (err) => errors.push(`pageerror: ${err.message}`));
  page.setDefaultTimeout(15_000);
  return {
    page,
    context,
    errors,
    assertClean(label = "") {
      if (errors.length) {
        const list = errors.splice(0).join("\n  ");
        throw new Error(`Console errors ${label}:\n  ${list}`);
      }
    },
    close: () => context.close(),
  };
}

/** "KES 1,234.50" -> 123450n (exact, no floats). */
export function cents(text) {
  const m = /(-)?\s*(?:[A-Z]{3}\s*)?(-)?([\d,]+)(?:\.(\d{1,2}))?/.exec(text.replace(/\u2212/g, "-"));
  if (!m) throw new Error(`No amount in "${text}"`);
  const whole = BigInt(m[3].replace(/,/g, ""));
  const frac = BigInt((m[4] ?? "0").padEnd(2, "0"));
  const value = whole * 100n + frac;
  return m[1] || m[2] ? -value : value;
}

export function formatCents(c) {
  const neg = c < 0n;
  const abs = neg ? -c : c;
  const whole = (abs / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${neg ? "-" : ""}KES ${whole}.${(abs % 100n).toString().padStart(2, "0")}`;
}

/** Waits until a page has settled: its marker is visible and no skeleton is showing. */
export async function settle(page, testId) {
  await page.getByTestId(testId).waitFor();
  await page.waitForFunction(() => !document.querySelector('[data-testid="loading"], [data-testid="page-loading"], [data-testid="app-loading"]'), null, { timeout: 15_000 });
  await page.waitForLoadState("networkidle").catch(() => undefined);
}

export async function screenshot(page, name) {
  await page.screenshot({ path: new URL(`${name}.png`, ARTIFACTS).pathname, fullPage: true });
}

/** Navigates within the app the way a person would after the first load (keeps the SPA state). */
export async function go(page, path) {
  await page.goto(`${BASE_URL}${path}`);
}

export async function measureFcp(browser) {
  const { page, close } = await newPage(browser);
  await page.goto(`${BASE_URL}/login`, { waitUntil: "load" });
  const fcp = await page.evaluate(
    () =>
      new Promise((resolve) => {
        const entry = performance.getEntriesByName("first-contentful-paint")[0];
        if (entry) return resolve(entry.startTime);
        new PerformanceObserver((list) => {
          const e = list.getEntriesByName("first-contentful-paint")[0];
          if (e) resolve(e.startTime);
        }).observe({ type: "paint", buffered: true });
        setTimeout(() => resolve(null), 5000);
      }),
  );
  await close();
  return fcp;
}

// --- Helpers for the click-everything run (e2e/clickall.test.mjs); usable by any test.

/** Calls the API; `json` or `form` (FormData) as the body. Fails with the answer when it isn't 2xx. */
export async function apiCall(path, { method = "GET", token, business, json, form } = {}) {
  const headers = { Accept: "application/json" };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (business) headers["X-Business-ID"] = String(business);
  if (json !== undefined) headers["Content-Type"] = "application/json";
  const body = json !== undefined ? JSON.stringify(json) : form;
  const res = await fetch(`${BASE_URL}/api/v1/${path}`, { method, headers, body });
  const data = await res.json().catch(() => null);
  if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${JSON.stringify(data)}`);
  return data;
}

/**
 * The invitation token from the e-mail the server sent to `email`. Locally and in `make e2e` the
 * server prints e-mail to its output (Django's console backend), which `make e2e` writes to
 * var/e2e-server.log; E2E_SERVER_LOG names another file.
 */
export async function inviteToken(email, timeoutMs = 10_000) {
  const { readFile } = await import("node:fs/promises");
  const file = process.env.E2E_SERVER_LOG ?? new URL("../../var/e2e-server.log", import.meta.url).pathname;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const log = await readFile(file, "utf8").catch(() => "");
    // Messages are separated by a line of dashes; take the newest one addressed to `email`.
    const messages = log.split(/^-{20,}$/m).filter((m) => m.includes(`To: ${email}`));
    const m = /invitations\/accept\?token=([A-Za-z0-9_-]+)/.exec(messages.at(-1) ?? "");
    if (m) return m[1];
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`No invitation e-mail to ${email} in ${file}: run the server with its output there (make e2e does), or set E2E_SERVER_LOG.`);
}

/** Signs in through the login form and waits for the app to settle. */
export async function loginInUi(page, { email, password }) {
  await page.goto(`${BASE_URL}/login`);
  await page.getByTestId("login-email").fill(email);
  await page.getByTestId("login-password").fill(password);
  await page.getByTestId("login-submit").click();
  await page.waitForURL((u) => u.pathname !== "/login");
  await settlePage(page);
}

/** Waits until no loading placeholder shows (any page; no marker needed). Never throws. */
export async function settlePage(page, timeoutMs = 15_000) {
  await page
    .waitForFunction(
      () =>
        document.readyState === "complete" &&
        !document.querySelector('[data-testid="loading"], [data-testid="page-loading"], [data-testid="app-loading"], main [aria-busy="true"]'),
      null,
      { timeout: timeoutMs },
    )
    .catch(() => undefined);
}

/**
 * Follows the page's requests to BASE_URL: `idle()` waits until none is in flight; `mark()` and
 * `since()` give the requests sent after a point; `problems` collects 5xx and unexpected 4xx
 * answers (`expected`: [{status, path: RegExp, reason}]; `refusals: true` also allows 401/403).
 * The browser's own "Failed to load resource" console line for an answer already judged here is
 * dropped from `errors`, so each problem is reported once.
 */
export function trackNetwork(page, { expected = [], errors, refusals = false } = {}) {
  let inflight = 0;
  let lastChange = Date.now();
  const sent = [];
  const judged = new Set();
  const problems = [];
  let markAt = 0;
  const ours = (url) => url.startsWith(BASE_URL);
  page.on("request", (r) => {
    if (!ours(r.url())) return;
    inflight += 1;
    lastChange = Date.now();
    sent.push({ method: r.method(), path: new URL(r.url()).pathname });
  });
  const done = (r) => {
    if (!ours(r.url())) return;
    inflight = Math.max(0, inflight - 1);
    lastChange = Date.now();
  };
  page.on("requestfinished", done);
  page.on("requestfailed", done);
  page.on("response", (res) => {
    const status = res.status();
    if (!ours(res.url()) || status < 400) return;
    const url = new URL(res.url());
    judged.add(res.url());
    const method = res.request().method();
    if (status >= 500) problems.push(`${status} from ${method} ${url.pathname}${url.search}`);
    else if (refusals && (status === 401 || status === 403)) return;
    else if (!expected.some((e) => e.status === status && e.path.test(url.pathname)))
      problems.push(`unexpected ${status} from ${method} ${url.pathname}${url.search}`);
  });
  const dropJudged = () => {
    if (!errors) return;
    for (let i = errors.length - 1; i >= 0; i--) {
      const m = /^console: Failed to load resource: .*\((.*)\)$/.exec(errors[i]);
      if (m && judged.has(m[1])) errors.splice(i, 1);
    }
  };
  return {
    problems,
    mark() {
      markAt = sent.length;
    },
    since: () => sent.slice(markAt),
    /** Resolves once nothing has been in flight for `quietMs` (at most `timeoutMs`). */
    async idle(quietMs = 150, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        if (inflight === 0 && Date.now() - lastChange >= quietMs) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      dropJudged();
    },
  };
}

const CONTROLS = 'button, a[href], [role="button"], [role="link"], [role="menuitem"], [role="tab"], summary';

/**
 * The page's enabled, visible controls (buttons, links, menu items, tabs), one per role + accessible
 * name (or per data-testid, so a table's row actions count once), in page order: the page's own first, then the shell's (navigation, header, floating button).
 * Each is tagged with data-clickall="<index>" for `page.locator('[data-clickall="<index>"]')`.
 */
export async function collectControls(page) {
  return page.evaluate((selector) => {
    const visible = (el) => {
      const r = el.getBoundingClientRect();
      if (r.width < 1 || r.height < 1) return false;
      if (el.closest('[aria-hidden="true"], [inert], [hidden]')) return false;
      const s = getComputedStyle(el);
      return s.visibility !== "hidden" && s.display !== "none" && Number(s.opacity) > 0;
    };
    const nameOf = (el) => {
      const by = el.getAttribute("aria-labelledby");
      const labelled = by && by.split(/\s+/).map((id) => document.getElementById(id)?.textContent ?? "").join(" ");
      const img = el.querySelector("img[alt]");
      const raw = el.getAttribute("aria-label") || labelled || el.innerText || el.getAttribute("title") || img?.getAttribute("alt") || "";
      return raw.replace(/\s+/g, " ").trim().slice(0, 80);
    };
    for (const el of document.querySelectorAll("[data-clickall]")) el.removeAttribute("data-clickall");
    const all = [...document.querySelectorAll(selector)];
    const seen = new Set();
    const out = [];
    all.forEach((el, index) => {
      if (el.closest('[aria-live], [role="alert"]') && !el.closest("main")) return; // toasts come and go
      if (!visible(el)) return;
      if (el.disabled || el.getAttribute("aria-disabled") === "true") return;
      const tag = el.tagName.toLowerCase();
      const role = el.getAttribute("role") || (tag === "a" ? "link" : "button");
      const name = nameOf(el);
      // Identical controls: the same role and accessible name, or the same test id (one per table row).
      const testId = el.getAttribute("data-testid");
      const key = testId ? `${role}|#${testId}` : `${role}|${name}`;
      if (seen.has(key)) return;
      seen.add(key);
      el.setAttribute("data-clickall", String(index));
      const href = tag === "a" ? el.getAttribute("href") : null;
      let external = false;
      if (href) {
        const u = new URL(href, location.href);
        external = u.origin !== location.origin;
      }
      // A control clipped away until focused (a skip link) is clicked after focusing it, as a keyboard user would.
      const r = el.getBoundingClientRect();
      const cs = getComputedStyle(el);
      const focusFirst = (cs.clip && cs.clip !== "auto") || cs.clipPath !== "none" || r.width <= 2 || r.height <= 2;
      out.push({ index, role, name, key, occurrence: 0, href, external, focusFirst, target: el.getAttribute("target"), scope: el.closest("main") ? "page" : "shell", testId });
    });
    return [...out.filter((c) => c.scope === "page"), ...out.filter((c) => c.scope === "shell")];
  }, CONTROLS);
}

/**
 * Controls that cover one another, at every scroll position of the page: for each pair of visible
 * interactive elements (inputs too, and the fixed ones such as the floating KAVI button) whose boxes
 * intersect, and each control whose centre isn't itself (or inside it) at document.elementFromPoint.
 * The part of the viewport under a full-width sticky bar (the top bar) doesn't count: content
 * scrolls beneath it. Returns one line per problem.
 */
export async function findOverlaps(page) {
  return page.evaluate(async (selector) => {
    const interactive = `${selector}, input:not([type="hidden"]), select, textarea`;
    const describe = (el) => {
      const name = (el.getAttribute("aria-label") || el.innerText || el.getAttribute("placeholder") || el.getAttribute("name") || "").replace(/\s+/g, " ").trim().slice(0, 40);
      const id = el.getAttribute("data-testid");
      return `${el.tagName.toLowerCase()}${id ? `[data-testid=${id}]` : ""}${name ? ` "${name}"` : ""}`;
    };
    const clip = (el) => {
      let r = el.getBoundingClientRect();
      let box = { left: r.left, top: r.top, right: r.right, bottom: r.bottom };
      for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
        const s = getComputedStyle(p);
        if (s.overflowX !== "visible" || s.overflowY !== "visible") {
          r = p.getBoundingClientRect();
          box = { left: Math.max(box.left, r.left), top: Math.max(box.top, r.top), right: Math.min(box.right, r.right), bottom: Math.min(box.bottom, r.bottom) };
        }
        if (s.position === "fixed") break;
      }
      return box;
    };
    const fixedAncestor = (el) => {
      for (let p = el; p; p = p.parentElement) {
        const pos = getComputedStyle(p).position;
        if (pos === "fixed" || pos === "sticky") return p;
      }
      return null;
    };
    const vw = document.documentElement.clientWidth;
    const vh = window.innerHeight;
    // With a modal open, only what it holds can be tapped: check its controls, scrolling its body.
    const modals = document.querySelectorAll('[role="dialog"][aria-modal="true"], [role="alertdialog"]');
    const root = modals.length ? modals[modals.length - 1] : document;
    // Full-width bars stuck to the top or the bottom: the clear area is between them.
    let top = 0;
    let bottom = vh;
    for (const el of root === document ? document.querySelectorAll("body *") : []) {
      const s = getComputedStyle(el);
      if (s.position !== "fixed" && s.position !== "sticky") continue;
      const r = el.getBoundingClientRect();
      if (r.width < vw * 0.9 || r.height > vh * 0.3 || r.height < 1) continue;
      if (r.top <= 1) top = Math.max(top, r.bottom);
      else if (r.bottom >= vh - 1) bottom = Math.min(bottom, r.top);
    }
    const problems = new Set();
    const scrollable = (el) => el.scrollHeight > el.clientHeight + 1 && /auto|scroll/.test(getComputedStyle(el).overflowY);
    const scroller = root === document ? document.scrollingElement : [root, ...root.querySelectorAll("*")].find(scrollable) ?? root;
    const view = root === document ? vh : scroller.clientHeight;
    const start = scroller.scrollTop;
    const positions = [];
    for (let y = 0; ; y += Math.max(200, Math.floor((root === document ? bottom - top : view) * 0.6))) {
      positions.push(Math.max(0, Math.min(y, scroller.scrollHeight - view)));
      if (y >= scroller.scrollHeight - view) break;
    }
    for (const y of [...new Set(positions)]) {
      scroller.scrollTop = y;
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      const els = [...root.querySelectorAll(interactive)].filter((el) => {
        if (el.closest('[aria-hidden="true"], [inert]')) return false;
        const s = getComputedStyle(el);
        if (s.visibility === "hidden" || s.display === "none" || Number(s.opacity) === 0) return false;
        if (el.tagName === "INPUT" && ["checkbox", "radio", "file"].includes(el.type) && (el.offsetWidth < 2 || s.opacity === "0")) return false;
        const b = clip(el);
        const w = b.right - b.left;
        const h = b.bottom - b.top;
        const r = el.getBoundingClientRect();
        if (w < 2 || h < 2 || w * h < 0.5 * r.width * r.height) return false; // mostly scrolled out of its box
        // Only what sits wholly in the clear area, unless it is itself part of the fixed chrome.
        const chrome = fixedAncestor(el);
        if (!chrome && (b.top < top || b.bottom > bottom)) return false;
        return b.left >= 0 && b.right <= vw && b.top >= 0 && b.bottom <= vh;
      });
      const boxes = els.map((el) => ({ el, b: clip(el) }));
      for (let i = 0; i < boxes.length; i++) {
        const { el, b } = boxes[i];
        const cx = (b.left + b.right) / 2;
        const cy = (b.top + b.bottom) / 2;
        const hit = document.elementFromPoint(cx, cy);
        if (hit && hit !== el && !el.contains(hit) && !hit.contains(el)) {
          // A label drawn over its own input (a styled checkbox) is the input, for a tap.
          const label = hit.closest("label");
          const forIt = label && (label.control === el || label.contains(el));
          if (!forIt) problems.add(`${describe(el)} is covered at its centre by ${describe(hit.closest(interactive) ?? hit)}`);
        }
        for (let j = i + 1; j < boxes.length; j++) {
          const o = boxes[j];
          if (el.contains(o.el) || o.el.contains(el)) continue;
          const w = Math.min(b.right, o.b.right) - Math.max(b.left, o.b.left);
          const h = Math.min(b.bottom, o.b.bottom) - Math.max(b.top, o.b.top);
          if (w > 1 && h > 1) problems.add(`${describe(el)} and ${describe(o.el)} overlap by ${Math.round(w)}×${Math.round(h)} px`);
        }
      }
    }
    scroller.scrollTop = start;
    return [...problems];
  }, CONTROLS);
}
