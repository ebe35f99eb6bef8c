import { describe, expect, it } from "vitest";
import { ApiError, buildUrl, errorMessage, flattenFieldErrors } from "@/lib/api";
import { fakeJwt, json, makeClient, NOW } from "./helpers";

describe("requests", () => {
  it("sends the bearer token and the active business", async () => {
    const access = fakeJwt(NOW + 900);
    const { client, calls } = makeClient(() => json(200, { ok: true }), { access, getBusinessId: () => 42 });
    await client.get("finance/transactions/", { page: 2, status: "", search: "rent" });
    expect(calls).toHaveLength(1);
    expect(calls[0].url).toBe("/api/v1/finance/transactions/?page=2&search=rent");
    expect(calls[0].headers.authorization).toBe(`Bearer ${access}`);
    expect(calls[0].headers["x-business-id"]).toBe("42");
    expect(calls[0].headers.accept).toBe("application/json");
  });

  it("omits X-Business-ID when none is active or when asked to", async () => {
    const { client, calls } = makeClient(() => json(200, {}), { getBusinessId: () => null });
    await client.get("users/me/");
    expect(calls[0].headers["x-business-id"]).toBeUndefined();
    const other = makeClient(() => json(200, {}), { getBusinessId: () => 7 });
    await other.client.get("users/me/", undefined, { business: false });
    expect(other.calls[0].headers["x-business-id"]).toBeUndefined();
  });

  it("sends no Authorization header on anonymous endpoints", async () => {
    const { client, calls } = makeClient(() => json(201, { id: 1 }));
    await client.post("users/register/", { email: "a@b.co" }, { auth: false });
    expect(calls[0].headers.authorization).toBeUndefined();
    expect(calls[0].headers["content-type"]).toBe("application/json");
    expect(calls[0].body).toEqual({ email: "a@b.co" });
  });

  it("uses the configured base URL", () => {
    expect(buildUrl("https://api.kavi.example/", "/users/me/")).toBe("https://api.kavi.example/api/v1/users/me/");
    expect(buildUrl("", "finance/invoices/3/pdf/")).toBe("/api/v1/finance/invoices/3/pdf/");
  });

  it("sends multipart bodies without forcing a content type", async () => {
    const { client, calls } = makeClient(() => json(201, { id: 5 }));
    const fd = new FormData();
    fd.append("amount", "10.00");
    await client.request("finance/transactions/", { method: "POST", form: fd });
    expect(calls[0].headers["content-type"]).toBeUndefined();
    expect(calls[0].body).toBe(fd);
  });

  it("returns undefined for 204", async () => {
    const { client } = makeClient(() => new Response(null, { status: 204 }));
    await expect(client.del("finance/budgets/1/")).resolves.toBeUndefined();
  });

  it("downloads blobs with the server's file name", async () => {
    const { client } = makeClient(
      () => new Response("a,b\n", { status: 200, headers: { "Content-Type": "text/csv", "Content-Disposition": 'attachment; filename="transactions-2026-03.csv"' } }),
    );
    const res = await client.blob("finance/transactions/export/", { query: { format: "csv" } });
    expect(res.filename).toBe("transactions-2026-03.csv");
    expect(await res.blob.text()).toBe("a,b\n");
  });
});

describe("errors", () => {
  it("parses validation errors into field errors", async () => {
    const { client } = makeClient(() =>
      json(400, { code: "invalid", detail: "The input is not valid.", fields: { amount: ["Ensure this value is greater than 0."], non_field_errors: ["Dates clash."] } }),
    );
    const err = await client.post("finance/transactions/", {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    const e = err as ApiError;
    expect(e.status).toBe(400);
    expect(e.code).toBe("invalid");
    expect(e.fieldError("amount")).toBe("Ensure this value is greater than 0.");
    expect(e.nonFieldErrors).toEqual(["Dates clash."]);
    expect(errorMessage(e)).toBe("Dates clash.");
  });

  it("flattens nested item errors to dotted keys", () => {
    expect(flattenFieldErrors({ items: [{}, { quantity: ["Must be positive."] }], email: "Bad e-mail." })).toEqual({
      "items.1.quantity": ["Must be positive."],
      email: ["Bad e-mail."],
    });
    expect(flattenFieldErrors({ items: ["At least one item."] })).toEqual({ items: ["At least one item."] });
  });

  it("reads 429 retry_after", async () => {
    const { client } = makeClient(() => json(429, { code: "throttled", detail: "Request was throttled.", retry_after: 12 }));
    const e = (await client.get("kavi/insights/").catch((x: unknown) => x)) as ApiError;
    expect(e.status).toBe(429);
    expect(e.retryAfter).toBe(12);
    expect(e.detail).toContain("12 seconds");
  });

  it("keeps the server's detail and code for 403/409", async () => {
    const { client } = makeClient(() => json(409, { code: "invoice_paid", detail: "A paid invoice can't be cancelled." }));
    const e = (await client.post("finance/invoices/1/cancel/").catch((x: unknown) => x)) as ApiError;
    expect(e.code).toBe("invoice_paid");
    expect(e.detail).toBe("A paid invoice can't be cancelled.");
  });

  it("copes with non-JSON error bodies and network failures", async () => {
    const { client } = makeClient(() => new Response("<html>Bad gateway</html>", { status: 502 }));
    const e = (await client.get("users/me/").catch((x: unknown) => x)) as ApiError;
    expect(e.status).toBe(502);
    expect(e.code).toBe("server_error");
    expect(e.detail).toMatch(/went wrong/);

    const offline = makeClient(() => {
      throw new TypeError("Failed to fetch");
    });
    const n = (await offline.client.get("users/me/").catch((x: unknown) => x)) as ApiError;
    expect(n.status).toBe(0);
    expect(n.code).toBe("network_error");
  });

  it("treats a bare DRF field dict as field errors", () => {
    const e = ApiError.from(400, { email: ["A user with that e-mail already exists."] });
    expect(e.fieldError("email")).toBe("A user with that e-mail already exists.");
  });
});
