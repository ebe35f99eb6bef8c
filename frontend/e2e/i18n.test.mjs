// Issue 12, item 5: in Swahili no English UI string is left on any page. The owner switches the app
// to Swahili with the language control, reloads, and every page's visible text, aria-labels,
// placeholders and titles are searched for any English dictionary value that differs in Swahili.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { loadDictionaries } from "./dictionary.mjs";
import { DESKTOP, apiCall, inviteToken, launch, loginInUi, newPage, settlePage, waitForServer } from "./lib.mjs";
import { open, ownerPages, seedOwner } from "./owner-pages.mjs";

let browser;
let handle;
let seed;
let english; // [{ key, value, re }]

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const wordRe = (value) => {
  // "{n} days" matches "3 days"; the value must stand as whole words.
  const body = value.split(/\{\w+\}/).map(escape).join(".{1,80}?");
  return new RegExp(`(?<![\\p{L}\\p{N}])${body}(?![\\p{L}\\p{N}])`, "u");
};

/** The English strings that a Swahili page must not show. */
function englishOnly({ en, sw, same }) {
  const swTexts = Object.values(sw);
  const out = [];
  for (const [key, value] of Object.entries(en)) {
    if (value === sw[key] || same.has(value)) continue; // names such as KAVI, M-Pesa
    const literal = value.replace(/\{\w+\}/g, "").replace(/[^\p{L}]/gu, "");
    if (literal.length <= 3) continue;
    const re = wordRe(value);
    if (swTexts.some((s) => re.test(s))) continue; // a name the Swahili text itself uses
    out.push({ key, value, re });
  }
  return out;
}

/** Everything a person reads or hears on the page. */
async function pageText(page) {
  return page.evaluate(() => {
    const parts = [document.title, document.body.innerText];
    for (const el of document.querySelectorAll("[aria-label], [placeholder], [title], [alt]")) {
      if (el.closest('[aria-hidden="true"]')) continue;
      for (const a of ["aria-label", "placeholder", "title", "alt"]) {
        const v = el.getAttribute(a);
        if (v) parts.push(v);
      }
    }
    return parts.join("\n");
  });
}

function findEnglish(text) {
  return english.filter((e) => e.re.test(text)).map((e) => `"${e.value}" (${e.key})`);
}

/** The language control a shop owner uses, then a reload: the choice must stick. */
async function switchToSwahili(page) {
  await open(page, "/profile");
  await page.getByTestId("profile-language").selectOption("sw");
  const refreshed = page.waitForResponse((r) => r.url().endsWith("/api/v1/users/me/") && r.request().method() === "GET" && r.ok());
  await page.getByTestId("profile-save").click();
  await page.waitForFunction(() => document.documentElement.innerText.includes("Dashibodi"));
  // The saved profile refreshes the signed-in user; the app keeps the last data seen for offline use
  // and writes it at most once a second, so let that write land before reloading.
  await refreshed;
  await page.waitForTimeout(1_500);
  await page.reload();
  await settlePage(page);
}

/** Opens each path and lists the English strings found, by page. */
async function englishOnPages(page, paths) {
  const failures = [];
  for (const path of paths) {
    await open(page, path);
    const found = findEnglish(await pageText(page));
    if (found.length) failures.push(`${path}:\n    ${found.join("\n    ")}`);
  }
  return failures;
}

before(async () => {
  await waitForServer();
  english = englishOnly(await loadDictionaries());
  assert.ok(english.length > 400, `the English dictionary loaded (${english.length} strings)`);
  seed = await seedOwner("sw");
  browser = await launch();
  handle = await newPage(browser, DESKTOP);
  await loginInUi(handle.page, seed.owner);
  await switchToSwahili(handle.page);
});

after(async () => {
  await handle?.close();
  await browser?.close();
});

describe("Swahili everywhere", () => {
  test("every page the owner can open shows no English UI string", async () => {
    const { page } = handle;
    await open(page, "/");
    assert.equal(await page.evaluate(() => document.documentElement.lang), "sw", "the page declares its language for screen readers");
    const paths = await ownerPages(page, seed);
    assert.ok(paths.length >= 12, `the menu lists the app's pages: ${paths.join(", ")}`);
    const failures = [];
    for (const path of paths) {
      await open(page, path);
      const found = findEnglish(await pageText(page));
      if (found.length) failures.push(`${path}:\n    ${found.join("\n    ")}`);
    }
    assert.deepEqual(failures, [], `English left in Swahili mode:\n  ${failures.join("\n  ")}`);
  });

  test("KAVI is asked to answer in the question's language while its panel speaks Swahili", async () => {
    const { page } = handle;
    await open(page, "/");
    const asked = [];
    await page.route("**/api/v1/kavi/chat/", async (route) => {
      asked.push(route.request().postDataJSON());
      await route.fulfill({ json: { conversation_id: 1, message: "Your income this month is KES 12,500.00.", suggestions: [], data: {}, sources: [] } });
    });
    await page.getByTestId("kavi-open").click();
    await page.getByTestId("kavi-panel").waitFor();
    assert.equal(await page.getByTestId("kavi-input").getAttribute("placeholder"), "Uliza kuhusu pesa zako…");
    await page.getByTestId("kavi-input").fill("What was our income this month?");
    await page.getByTestId("kavi-send").click();
    await page.getByTestId("kavi-message").filter({ hasText: "KES 12,500.00" }).waitFor();
    assert.equal(asked.length, 1);
    assert.equal(asked[0].message, "What was our income this month?");
    assert.equal(asked[0].language, "auto", "KAVI picks the language from the question, not from the UI");
    await page.unroute("**/api/v1/kavi/chat/");
    await page.keyboard.press("Escape");
    await page.getByTestId("kavi-panel").waitFor({ state: "detached" });
  });

  test("a viewer's pages, with what they may not do explained, show no English either", async () => {
    const viewer = { email: `viewer-${seed.owner.email}`, password: seed.owner.password };
    await apiCall("users/register/", { method: "POST", json: { ...viewer, first_name: "Baraka", last_name: "Otieno" } });
    await apiCall("users/invitations/", { method: "POST", token: seed.token, business: seed.business.id, json: { email: viewer.email, role: "viewer" } });
    const invite = await inviteToken(viewer.email);
    const { access } = await apiCall("auth/token/", { method: "POST", json: viewer });
    await apiCall("users/invitations/accept/", { method: "POST", token: access, json: { token: invite } });
    const theirs = await newPage(browser, DESKTOP);
    try {
      await loginInUi(theirs.page, viewer);
      await switchToSwahili(theirs.page);
      await open(theirs.page, "/");
      const paths = await ownerPages(theirs.page, seed);
      const failures = await englishOnPages(theirs.page, paths);
      assert.deepEqual(failures, [], `English left in Swahili mode (viewer):\n  ${failures.join("\n  ")}`);
    } finally {
      await theirs.close();
    }
  });

  test("the signed-out pages speak Swahili too once it is chosen", async () => {
    const { page } = handle;
    await open(page, "/");
    await page.getByTestId("logout").click();
    await page.waitForURL((u) => u.pathname === "/login");
    const failures = [];
    for (const path of ["/login", "/register", "/forgot-password", "/reset-password", "/invitations/accept"]) {
      await open(page, path);
      const found = findEnglish(await pageText(page));
      if (found.length) failures.push(`${path}:\n    ${found.join("\n    ")}`);
    }
    assert.deepEqual(failures, [], `English left in Swahili mode:\n  ${failures.join("\n  ")}`);
  });
});
