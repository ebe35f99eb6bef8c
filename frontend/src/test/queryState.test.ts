import { describe, expect, it, vi } from "vitest";
import { renderToStaticMarkup } from "react-dom/server";
import { Inbox } from "lucide-react";
import { createElement as h, type ReactNode } from "react";

// i18n imports the session store, which persists to localStorage; give it a memory one.
const store = new Map<string, string>();
vi.stubGlobal("localStorage", {
  getItem: (k: string) => store.get(k) ?? null,
  setItem: (k: string, v: string) => void store.set(k, v),
  removeItem: (k: string) => void store.delete(k),
});

const { QueryState } = await import("@/components/QueryState");
const { ApiError } = await import("@/lib/api");

type Q = { isPending: boolean; isError: boolean; error: unknown; data: string[] | undefined; refetch: () => void; fetchStatus?: string };
const base: Q = { isPending: false, isError: false, error: null, data: undefined, refetch: () => undefined };
// (A .ts file, so no JSX: vitest picks up src/**/*.test.ts.)
const rows = (d: string[]) => h("ul", { "data-testid": "rows" }, ...d.map((x) => h("li", { key: x }, x)));
const render = (query: Q, extra: Record<string, unknown> = {}) =>
  renderToStaticMarkup(
    h(QueryState<string[]>, { query, isEmpty: (d: string[]) => d.length === 0, empty: { icon: Inbox, title: "Nothing here" }, children: rows, ...extra }),
  );

describe("QueryState", () => {
  it("shows a busy skeleton while pending, the caller's when given", () => {
    const html = render({ ...base, isPending: true });
    expect(html).toContain('data-testid="loading"');
    expect(html).toContain('aria-busy="true"');
    const custom = render({ ...base, isPending: true }, { loading: h("span", { "data-testid": "my-skeleton" }) });
    expect(custom).toContain('data-testid="my-skeleton"');
    expect(custom).toContain('aria-busy="true"');
    expect(custom).toContain('data-testid="loading"');
    expect(custom).not.toContain('data-testid="rows"');
  });

  it("says 'nothing saved' when offline before the first answer", () => {
    expect(render({ ...base, isPending: true, fetchStatus: "paused" })).toContain('data-testid="offline-empty"');
    expect(render({ ...base, isPending: true }, { offline: true })).toContain('data-testid="offline-empty"');
  });

  it("shows the error with a retry, framed like the content", () => {
    const error = new ApiError({ status: 500, code: "error", detail: "Server broke" });
    const html = render({ ...base, isError: true, error }, { frame: (n: ReactNode) => h("section", { "data-testid": "frame" }, n) });
    expect(html).toContain('data-testid="frame"');
    expect(html).toContain('data-testid="error-state"');
    expect(html).toContain('role="alert"');
    expect(html).toContain("<button");
    expect(html).not.toContain('data-testid="rows"');
  });

  it("keeps the data on a failed refetch only when asked", () => {
    const q = { ...base, isError: true, error: new Error("x"), data: ["a"] };
    expect(render(q)).toContain('data-testid="error-state"');
    expect(render(q, { keepData: true })).toContain('data-testid="rows"');
  });

  it("shows the empty state when empty, else the content", () => {
    const empty = render({ ...base, data: [] });
    expect(empty).toContain('data-testid="empty-state"');
    expect(empty).toContain("Nothing here");
    const custom = render({ ...base, data: [] }, { empty: h("p", { "data-testid": "my-empty" }, "none") });
    expect(custom).toContain('data-testid="my-empty"');
    const full = render({ ...base, data: ["a", "b"] });
    expect(full).toContain('data-testid="rows"');
    expect(full).toContain("<li>b</li>");
  });
});
