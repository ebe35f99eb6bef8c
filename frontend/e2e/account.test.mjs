// Issue 12, item 4: the account page and passwords. The signed-in devices list shows this one and
// signs another out; a password change keeps this device and signs in with the new password; and
// "Forgot password?" e-mails a link whose page sets a new password that then signs in.
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { after, before, describe, test } from "node:test";
import { BASE_URL, DESKTOP, MOBILE, apiCall, launch, loginInUi, newPage, settle, waitForServer } from "./lib.mjs";

const RUN = `${Date.now().toString(36)}p`;
const USER = { email: `account-${RUN}@e2e.kavi.test`, password: `Chai-Asubuhi-${RUN.length}3!Moto` };
const CHANGED = `Mandazi-Jioni-${RUN.length}5!Tamu`;
const RESET = `Uji-Wa-Wimbi-${RUN.length}8!Moto`;

let browser;

async function status(path, token) {
  const res = await fetch(`${BASE_URL}/api/v1/${path}`, { headers: { Accept: "application/json", Authorization: `Bearer ${token}` } });
  return res.status;
}

/**
 * The reset link from the newest e-mail to `email`. As with invitations (lib.mjs inviteToken), the
 * server prints e-mail to its output, which `make e2e` writes to var/e2e-server.log; E2E_SERVER_LOG
 * names another file.
 */
async function resetLink(email, timeoutMs = 10_000) {
  const file = process.env.E2E_SERVER_LOG ?? new URL("../../var/e2e-server.log", import.meta.url).pathname;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const log = await readFile(file, "utf8").catch(() => "");
    const messages = log.split(/^-{20,}$/m).filter((m) => m.includes(`To: ${email}`));
    const m = /\/reset-password\?uid=([A-Za-z0-9_-]+)&token=([A-Za-z0-9_-]+)/.exec(messages.at(-1) ?? "");
    if (m) return { uid: m[1], token: m[2] };
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`No password reset e-mail to ${email} in ${file}: run the server with its output there (make e2e does), or set E2E_SERVER_LOG.`);
}

before(async () => {
  await waitForServer();
  browser = await launch();
  await apiCall("users/register/", { method: "POST", json: { email: USER.email, password: USER.password, first_name: "Njeri", last_name: "Mwangi" } });
  await apiCall("users/businesses/", {
    method: "POST",
    token: (await apiCall("auth/token/", { method: "POST", json: USER })).access,
    json: { legal_name: `Njeri Tailors ${RUN}` },
  });
});

after(async () => {
  await browser?.close();
});

describe("account", { concurrency: false }, () => {
  test("the devices list shows this one and signs another out", async () => {
    const other = await apiCall("auth/token/", { method: "POST", json: USER });
    assert.equal(await status("users/me/", other.access), 200);
    const handle = await newPage(browser, DESKTOP);
    const { page } = handle;
    await loginInUi(page, USER);
    await page.getByTestId("nav-profile").click();
    await settle(page, "page-account");
    assert.equal(new URL(page.url()).pathname, "/account");
    assert.equal(await page.title(), "Account · KAVI");
    const rows = page.getByTestId("session-row");
    await rows.first().waitFor();
    assert.equal(await page.locator('[data-testid="session-row"][data-current="true"]').count(), 1, "this device is marked");
    assert.ok((await rows.count()) >= 3, "the API sign-ins are listed too");
    const others = page.locator('[data-testid="session-row"][data-current="false"]');
    const before = await others.count();
    await others.first().getByTestId("session-revoke").click();
    await page.getByTestId("toast-success").first().waitFor();
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="session-row"][data-current="false"]').length === n - 1, before);
    handle.assertClean("revoking a session");
    await handle.close();
  });

  test("changing the password keeps this device signed in and the new one signs in", async () => {
    const other = await apiCall("auth/token/", { method: "POST", json: USER });
    const handle = await newPage(browser, MOBILE);
    const { page } = handle;
    await loginInUi(page, USER);
    await page.goto(`${BASE_URL}/account`);
    await settle(page, "page-account");
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `no sideways scrolling at 390 px (${overflow} px too wide)`);

    await page.getByTestId("password-old").fill("not-my-password");
    await page.getByTestId("password-new").fill(CHANGED);
    await page.getByTestId("password-confirm").fill(CHANGED);
    await page.getByTestId("password-save").click();
    await page.getByTestId("field-error").filter({ hasText: /current password is wrong/i }).waitFor();
    const refused = handle.errors.findIndex((e) => /status of 400/.test(e));
    if (refused >= 0) handle.errors.splice(refused, 1);

    await page.getByTestId("password-old").fill(USER.password);
    const [changed] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith("/api/v1/users/me/password/")),
      page.getByTestId("password-save").click(),
    ]);
    assert.equal(changed.status(), 204);
    await page.getByTestId("toast-success").first().waitFor();
    assert.equal(await status("users/me/", other.access), 401, "the other device was signed out");
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="session-row"][data-current="false"]').length === 0);
    // This device still works.
    await page.reload();
    await settle(page, "page-account");
    handle.assertClean("changing the password");
    await handle.close();

    const fresh = await newPage(browser, DESKTOP);
    await loginInUi(fresh.page, { email: USER.email, password: CHANGED });
    assert.notEqual(new URL(fresh.page.url()).pathname, "/login");
    fresh.assertClean("signing in with the new password");
    await fresh.close();
    USER.password = CHANGED;
  });

  test("forgot password: the e-mailed link sets a new password that signs in", async () => {
    const handle = await newPage(browser, DESKTOP);
    const { page } = handle;
    await page.goto(`${BASE_URL}/login`);
    await page.getByTestId("forgot-password").click();
    await page.waitForURL(/\/forgot-password$/);
    await page.getByTestId("forgot-email").waitFor();
    await page.waitForFunction(() => document.title.startsWith("Reset"));
    assert.equal(await page.title(), "Reset your password · KAVI");
    await page.getByTestId("forgot-email").fill(USER.email);
    const [requested] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith("/api/v1/auth/password/reset/")),
      page.getByTestId("forgot-submit").click(),
    ]);
    assert.equal(requested.status(), 204);
    assert.match(await page.getByTestId("forgot-sent").textContent(), /If an account exists/);

    // A broken link explains itself and offers a new one.
    await page.goto(`${BASE_URL}/reset-password?uid=MQ&token=nope`);
    await page.getByTestId("reset-password").fill(RESET);
    await page.getByTestId("reset-confirm").fill(RESET);
    await page.getByTestId("reset-submit").click();
    await page.getByTestId("reset-invalid").waitFor();
    const refused = handle.errors.findIndex((e) => /status of 400/.test(e));
    if (refused >= 0) handle.errors.splice(refused, 1);

    const { uid, token } = await resetLink(USER.email);
    await page.goto(`${BASE_URL}/reset-password?uid=${uid}&token=${token}`);
    await page.getByTestId("reset-password").fill(RESET);
    await page.getByTestId("reset-confirm").fill(RESET);
    await page.getByTestId("reset-submit").click();
    await page.getByTestId("reset-done").waitFor();
    await page.getByTestId("reset-sign-in").click();
    await page.waitForURL(/\/login$/);
    await loginInUi(page, { email: USER.email, password: RESET });
    assert.notEqual(new URL(page.url()).pathname, "/login");
    handle.assertClean("resetting the password");
    await handle.close();
  });
});
