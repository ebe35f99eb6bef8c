// Issue 12, item 6: accessible to everyone. axe-core finds no serious or critical violation on any
// page an owner can open, at 1280 px and at 390 px; every page has its own title; the menu and the
// KAVI panel work with the keyboard alone (Escape closes them and focus returns where it was).
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { after, before, describe, test } from "node:test";
import { DESKTOP, MOBILE, launch, loginInUi, newPage, waitForServer } from "./lib.mjs";
import { open, ownerPages, seedOwner } from "./owner-pages.mjs";

const AXE = createRequire(import.meta.url).resolve("axe-core/axe.min.js");
let axeSource;

let browser;
let seed;
let paths;

async function axe(page) {
  // Evaluated through the DevTools protocol: the app's CSP (script-src 'self') refuses inline scripts.
  axeSource ??= await readFile(AXE, "utf8");
  if (!(await page.evaluate(() => "axe" in window))) await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ["violations"] });
    return result.violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | ")}${v.nodes.length > 3 ? ` … ${v.nodes.length} in all` : ""}`);
  });
}

before(async () => {
  await waitForServer();
  seed = await seedOwner("a11y");
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

for (const [name, viewport] of [["1280 px", DESKTOP], ["390 px", MOBILE]]) {
  describe(`axe at ${name}`, () => {
    test("no serious or critical violation on any page", async () => {
      const handle = await newPage(browser, viewport);
      const { page } = handle;
      await loginInUi(page, seed.owner);
      if (!paths) {
        // The menu's links are read at desktop width, where the sidebar shows them.
        assert.equal(viewport, DESKTOP);
        paths = await ownerPages(page, seed);
      }
      const failures = [];
      for (const path of paths) {
        await open(page, path);
        const found = await axe(page);
        if (found.length) failures.push(`${path}:\n    ${found.join("\n    ")}`);
      }
      // The signed-out pages, after signing out.
      await page.evaluate(() => localStorage.removeItem("kavi.refresh"));
      await page.context().clearCookies();
      const signedOut = await browser.newContext({ viewport, locale: "en-KE" });
      const anon = await signedOut.newPage();
      for (const path of ["/login", "/register", "/forgot-password", "/reset-password", "/invitations/accept"]) {
        await open(anon, path);
        const found = await axe(anon);
        if (found.length) failures.push(`${path}:\n    ${found.join("\n    ")}`);
      }
      await signedOut.close();
      await handle.close();
      assert.deepEqual(failures, [], `axe at ${name}:\n  ${failures.join("\n  ")}`);
    });
  });
}

describe("titles and keyboard", () => {
  test("every page has its own title", async () => {
    const handle = await newPage(browser, DESKTOP);
    const { page } = handle;
    await loginInUi(page, seed.owner);
    const list = paths ?? (await ownerPages(page, seed));
    const byTitle = new Map();
    for (const path of list) {
      await open(page, path);
      await page.waitForFunction(() => document.title.includes("·"), null, { timeout: 5_000 }).catch(() => undefined);
      const title = await page.title();
      byTitle.set(title, [...(byTitle.get(title) ?? []), path]);
    }
    await handle.close();
    const shared = [...byTitle].filter(([, p]) => p.length > 1).map(([t, p]) => `"${t}": ${p.join(", ")}`);
    const bare = [...byTitle].filter(([t]) => !t.includes("·")).map(([t, p]) => `"${t}": ${p.join(", ")}`);
    assert.deepEqual(shared, [], `pages sharing a title:\n  ${shared.join("\n  ")}`);
    assert.deepEqual(bare, [], `pages without a title of their own:\n  ${bare.join("\n  ")}`);
  });

  test("the skip link, the phone menu and the KAVI panel work with the keyboard", async () => {
    const handle = await newPage(browser, MOBILE);
    const { page } = handle;
    await loginInUi(page, seed.owner);
    await open(page, "/");
    // The first Tab reaches "Skip to main content", and Enter moves focus into <main>.
    await page.keyboard.press("Tab");
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("data-testid")), "skip-link");
    await page.keyboard.press("Enter");
    assert.equal(await page.evaluate(() => document.activeElement?.id), "main");

    // The menu: opened from its button, closed by Escape, focus back on the button.
    await page.getByTestId("menu-open").focus();
    await page.keyboard.press("Enter");
    await page.getByTestId("mobile-menu").waitFor();
    assert.ok(await page.evaluate(() => !!document.activeElement?.closest('[data-testid="mobile-menu"]')), "focus moves into the menu");
    await page.keyboard.press("Escape");
    await page.getByTestId("mobile-menu").waitFor({ state: "detached" });
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("data-testid")), "menu-open");

    // The KAVI panel, the same way.
    await page.getByTestId("kavi-open").focus();
    await page.keyboard.press("Enter");
    await page.getByTestId("kavi-panel").waitFor();
    assert.ok(await page.evaluate(() => !!document.activeElement?.closest('[data-testid="kavi-panel"]')), "focus moves into the KAVI panel");
    await page.keyboard.press("Escape");
    await page.getByTestId("kavi-panel").waitFor({ state: "detached" });
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("data-testid")), "kavi-open", "focus returns to the Ask KAVI button");

    // A visible focus ring on a focused control.
    await page.getByTestId("kavi-open").focus();
    const ring = await page.evaluate(() => {
      const s = getComputedStyle(document.activeElement);
      return s.outlineStyle !== "none" || s.boxShadow !== "none";
    });
    assert.ok(ring, "the focused control shows a focus ring");
    handle.assertClean("in the keyboard walk");
    await handle.close();
  });
});
