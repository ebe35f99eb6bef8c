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
