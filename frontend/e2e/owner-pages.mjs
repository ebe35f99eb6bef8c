// A fresh owner with a little data in Swahili (so no English comes from the data itself) and the
// list of pages the app offers them: every link in the navigation and account menu, plus the pages
// reached from them (an invoice, a new invoice, a new business) and the not-found page.
import { BASE_URL, apiCall, settlePage } from "./lib.mjs";

export async function seedOwner(tag) {
  const run = `${Date.now().toString(36)}${tag}`;
  const owner = { email: `${tag}-${run}@e2e.kavi.test`, password: `Sukari-Mvua-${run.length}9!Tamu` };
  await apiCall("users/register/", { method: "POST", json: { ...owner, first_name: "Wanjiku", last_name: "Kamau" } });
  const { access: token } = await apiCall("auth/token/", { method: "POST", json: owner });
  const business = await apiCall("users/businesses/", { method: "POST", token, json: { legal_name: `Duka la Wanjiku ${run}` } });
  const b = business.id;
  const customer = await apiCall("users/customers/", { method: "POST", token, business: b, json: { name: "Mama Njeri", phone: "0712345678" } });
  await apiCall("finance/suppliers/", { method: "POST", token, business: b, json: { name: "Mkulima Bora", category: "Nafaka", payment_terms_days: 14 } });
  await apiCall("finance/transactions/", {
    method: "POST",
    token,
    business: b,
    json: { amount: "12500.00", transaction_type: "income", category: "Mauzo ya duka", description: "Mauzo ya sukari", payment_method: "mpesa", transaction_date: "2026-03-02" },
  });
  await apiCall("finance/transactions/", {
    method: "POST",
    token,
    business: b,
    json: { amount: "4000.00", transaction_type: "expense", category: "Usafiri wa mizigo", description: "Lori la Nakuru", payment_method: "cash", transaction_date: "2026-03-03" },
  });
  const invoice = await apiCall("finance/invoices/", {
    method: "POST",
    token,
    business: b,
    json: { customer: customer.id, issue_date: "2026-03-02", due_date: "2026-03-16", items: [{ description: "Sukari kilo 50", quantity: "2", unit_price: "6500.00", tax_rate: "16" }] },
  });
  await apiCall("finance/budgets/", { method: "POST", token, business: b, json: { category: "Usafiri wa mizigo", amount: "20000.00", period: "monthly", start_date: "2026-03-01" } });
  // A forecast and a credit score, so those pages show their charts and factors rather than an empty state.
  await apiCall("finance/forecasts/", { method: "POST", token, business: b, json: { horizon_months: 3 } });
  await apiCall("finance/credit-scores/", { method: "POST", token, business: b, json: {} });
  return { owner, token, business, invoice };
}

/** Every page an owner can reach: the menu's links first, then the pages behind them. */
export async function ownerPages(page, seed) {
  const links = await page.evaluate(() => [...document.querySelectorAll("aside a[href]")].map((a) => new URL(a.href).pathname));
  const paths = [...new Set(links), "/invoices/new", `/invoices/${seed.invoice.id}`, `/invoices/${seed.invoice.id}/edit`, "/businesses/new", "/no-such-page"];
  return [...new Set(paths)];
}

/** Opens a page and waits until it has settled (its data loaded). */
export async function open(page, path) {
  await page.goto(`${BASE_URL}${path}`);
  await settlePage(page);
  await page.waitForLoadState("networkidle").catch(() => undefined);
  await settlePage(page);
}
