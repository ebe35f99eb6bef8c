import { createApiClient, type ApiClientOptions } from "@/lib/api";
import { createMemoryTokenStore } from "@/lib/tokens";

/** A JWT-shaped token (unsigned) whose payload carries `exp`. */
export function fakeJwt(exp: number, extra: Record<string, unknown> = {}): string {
  const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");
  return `${enc({ alg: "HS256", typ: "JWT" })}.${enc({ exp, ...extra })}.sig`;
}

export const NOW = 1_800_000_000;

export interface Call {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: unknown;
}

type Handler = (call: Call) => Response | Promise<Response>;

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json", ...headers },
  });
}

/** A fetch stand-in that records calls and answers from a handler. */
export function mockFetch(handler: Handler) {
  const calls: Call[] = [];
  const fetchImpl = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const headers: Record<string, string> = {};
    new Headers(init?.headers).forEach((v, k) => (headers[k.toLowerCase()] = v));
    let body: unknown = init?.body;
    if (typeof body === "string") {
      try {
        body = JSON.parse(body);
      } catch {
        /* keep text */
      }
    }
    const call: Call = { url: String(input), method: init?.method ?? "GET", headers, body };
    calls.push(call);
    return handler(call);
  }) as typeof fetch;
  return { fetchImpl, calls };
}

export function makeClient(handler: Handler, opts: Partial<ApiClientOptions> & { access?: string; refresh?: string } = {}) {
  const tokens = createMemoryTokenStore({ access: opts.access ?? fakeJwt(NOW + 900), refresh: opts.refresh ?? "refresh-1" });
  const { fetchImpl, calls } = mockFetch(handler);
  let expired = 0;
  const client = createApiClient({
    baseUrl: "",
    tokens,
    fetchImpl,
    now: () => NOW,
    onSessionExpired: () => {
      expired += 1;
    },
    ...opts,
  });
  return { client, calls, tokens, expiredCount: () => expired };
}
