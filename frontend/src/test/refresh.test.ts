import { describe, expect, it } from "vitest";
import { ApiError } from "@/lib/api";
import { fakeJwt, json, makeClient, NOW, type Call } from "./helpers";

const OLD = fakeJwt(NOW + 900, { v: "old" });
const NEW = fakeJwt(NOW + 900, { v: "new" });

/** A server whose data endpoints accept only `valid` and whose refresh endpoint rotates tokens. */
function server(opts: { valid: () => string; onRefresh: (call: Call) => Response | Promise<Response> }) {
  return (call: Call) => {
    if (call.url.endsWith("/auth/token/refresh/")) return opts.onRefresh(call);
    if (call.headers.authorization === `Bearer ${opts.valid()}`) return json(200, { url: call.url });
    return json(401, { code: "token_not_valid", detail: "Given token not valid for any token type" });
  };
}

describe("token refresh", () => {
  it("refreshes on 401, retries, and stores the rotated refresh token", async () => {
    let valid = "nothing-yet";
    const { client, calls, tokens } = makeClient(
      server({
        valid: () => valid,
        onRefresh: (call) => {
          expect(call.body).toEqual({ refresh: "refresh-1" });
          valid = NEW;
          return json(200, { access: NEW, refresh: "refresh-2" });
        },
      }),
      { access: OLD },
    );
    const res = await client.get<{ url: string }>("users/me/");
    expect(res.url).toBe("/api/v1/users/me/");
    expect(tokens.getAccess()).toBe(NEW);
    expect(tokens.getRefresh()).toBe("refresh-2");
    expect(calls.map((c) => c.url)).toEqual(["/api/v1/users/me/", "/api/v1/auth/token/refresh/", "/api/v1/users/me/"]);
    expect(calls[2].headers.authorization).toBe(`Bearer ${NEW}`);
  });

  it("is single-flight: concurrent 401s share one refresh call", async () => {
    let valid = "nothing-yet";
    let refreshes = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const { client, calls, tokens } = makeClient(
      server({
        valid: () => valid,
        onRefresh: async () => {
          refreshes += 1;
          await gate;
          valid = NEW;
          return json(200, { access: NEW, refresh: `refresh-${refreshes + 1}` });
        },
      }),
      { access: OLD },
    );
    const pending = Promise.all([client.get("a/"), client.get("b/"), client.get("c/"), client.get("d/")]);
    await new Promise((r) => setTimeout(r, 10));
    release();
    const results = await pending;
    expect(results).toHaveLength(4);
    expect(refreshes).toBe(1);
    expect(calls.filter((c) => c.url.endsWith("/auth/token/refresh/"))).toHaveLength(1);
    expect(tokens.getRefresh()).toBe("refresh-2");
  });

  it("a 401 that arrives after another request already refreshed reuses the new token", async () => {
    let valid = OLD;
    let refreshes = 0;
    const { client, tokens } = makeClient(
      server({
        valid: () => valid,
        onRefresh: () => {
          refreshes += 1;
          valid = NEW;
          return json(200, { access: NEW, refresh: "refresh-2" });
        },
      }),
      { access: OLD },
    );
    valid = "revoked";
    await client.get("first/");
    expect(refreshes).toBe(1);
    // Simulate a slow request that was sent with the old token and comes back 401 now.
    tokens.setTokens(NEW, "refresh-2");
    await client.get("second/");
    expect(refreshes).toBe(1);
  });

  it("refreshes ahead of time when the access token has expired", async () => {
    const expired = fakeJwt(NOW - 5);
    let valid = "x";
    const { client, calls } = makeClient(
      server({
        valid: () => valid,
        onRefresh: () => {
          valid = NEW;
          return json(200, { access: NEW, refresh: "refresh-2" });
        },
      }),
      { access: expired },
    );
    await client.get("users/me/");
    expect(calls.map((c) => c.url)).toEqual(["/api/v1/auth/token/refresh/", "/api/v1/users/me/"]);
  });

  it("keeps the old refresh token if the server does not rotate", async () => {
    let valid = "x";
    const { client, tokens } = makeClient(
      server({
        valid: () => valid,
        onRefresh: () => {
          valid = NEW;
          return json(200, { access: NEW });
        },
      }),
      { access: OLD },
    );
    await client.get("users/me/");
    expect(tokens.getRefresh()).toBe("refresh-1");
  });

  it("ends the session when the refresh is refused (rotated/blacklisted token)", async () => {
    const { client, tokens, expiredCount, calls } = makeClient(
      server({ valid: () => "never", onRefresh: () => json(401, { code: "token_not_valid", detail: "Token is blacklisted" }) }),
      { access: OLD },
    );
    const results = await Promise.allSettled([client.get("a/"), client.get("b/")]);
    for (const r of results) {
      expect(r.status).toBe("rejected");
      const e = (r as PromiseRejectedResult).reason as ApiError;
      expect(e.status).toBe(401);
      expect(e.code).toBe("session_expired");
    }
    expect(tokens.getAccess()).toBeNull();
    expect(tokens.getRefresh()).toBeNull();
    expect(expiredCount()).toBe(1);
    expect(calls.filter((c) => c.url.endsWith("/auth/token/refresh/"))).toHaveLength(1);
  });

  it("does not log out on a network failure during refresh", async () => {
    const { client, tokens, expiredCount } = makeClient(
      server({
        valid: () => "never",
        onRefresh: () => {
          throw new TypeError("Failed to fetch");
        },
      }),
      { access: OLD },
    );
    const e = (await client.get("a/").catch((x: unknown) => x)) as ApiError;
    expect(e.code).toBe("network_error");
    expect(tokens.getRefresh()).toBe("refresh-1");
    expect(expiredCount()).toBe(0);
  });

  it("retries only once: a second 401 is returned to the caller", async () => {
    let refreshes = 0;
    const { client } = makeClient(
      server({
        valid: () => "never",
        onRefresh: () => {
          refreshes += 1;
          return json(200, { access: fakeJwt(NOW + 900, { n: refreshes }), refresh: `r${refreshes}` });
        },
      }),
      { access: OLD },
    );
    const e = (await client.get("a/").catch((x: unknown) => x)) as ApiError;
    expect(e.status).toBe(401);
    expect(refreshes).toBe(1);
  });

  it("login stores both tokens; logout revokes the refresh token and forgets them", async () => {
    const { client, tokens, calls } = makeClient((call) => {
      if (call.url.endsWith("/auth/token/")) return json(200, { access: NEW, refresh: "r-login", user: { id: 1 } });
      if (call.url.endsWith("/auth/logout/")) return new Response(null, { status: 204 });
      return json(404, {});
    });
    tokens.clear();
    const data = await client.login("owner@duka.co.ke", "pw");
    expect(data.user).toEqual({ id: 1 });
    expect(calls[0].headers.authorization).toBeUndefined();
    expect(tokens.getRefresh()).toBe("r-login");
    await client.logout();
    const logoutCall = calls.find((c) => c.url.endsWith("/auth/logout/"))!;
    expect(logoutCall.body).toEqual({ refresh: "r-login" });
    expect(logoutCall.headers.authorization).toBe(`Bearer ${NEW}`);
    expect(tokens.getRefresh()).toBeNull();
  });

  it("uses the cross-tab lock around refreshes", async () => {
    let locked = 0;
    let valid = "x";
    const { client } = makeClient(
      server({
        valid: () => valid,
        onRefresh: () => {
          valid = NEW;
          return json(200, { access: NEW, refresh: "refresh-2" });
        },
      }),
      {
        access: OLD,
        lock: async (fn) => {
          locked += 1;
          return fn();
        },
      },
    );
    await client.get("a/");
    expect(locked).toBe(1);
  });
});
