/**
 * The only way the app talks to the backend. It adds the bearer token and the active business,
 * turns every error into an ApiError (with field errors), and refreshes the access token
 * transparently: concurrent 401s share one refresh call, the rotated refresh token is always
 * stored, and a failed refresh ends the session.
 */

export type FieldErrors = Record<string, string[]>;

export interface ApiErrorBody {
  code?: string;
  detail?: string;
  fields?: unknown;
  retry_after?: number;
  [key: string]: unknown;
}

const DEFAULT_MESSAGES: Record<number, string> = {
  0: "We couldn't reach the server. Check your connection and try again.",
  400: "Please check the highlighted fields.",
  401: "Please sign in again.",
  403: "Your role doesn't allow this action.",
  404: "We couldn't find that.",
  409: "That conflicts with the current state. Refresh and try again.",
  413: "That file is too large.",
  429: "Too many requests. Please wait a moment and try again.",
  500: "Something went wrong on our side. Please try again.",
  503: "The service is temporarily unavailable.",
};

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly detail: string;
  readonly fields: FieldErrors;
  readonly retryAfter?: number;

  constructor(init: { status: number; code: string; detail: string; fields?: FieldErrors; retryAfter?: number }) {
    super(init.detail);
    this.name = "ApiError";
    this.status = init.status;
    this.code = init.code;
    this.detail = init.detail;
    this.fields = init.fields ?? {};
    this.retryAfter = init.retryAfter;
  }

  /** Builds an error from a status and a (possibly missing or non-standard) JSON body. */
  static from(status: number, body: unknown, retryAfterHeader?: string | null): ApiError {
    const b: ApiErrorBody = body && typeof body === "object" && !Array.isArray(body) ? (body as ApiErrorBody) : {};
    let fields: FieldErrors = {};
    if (b.fields !== undefined) {
      fields = flattenFieldErrors(b.fields);
    } else if (status === 400 && b.code === undefined && b.detail === undefined && Object.keys(b).length > 0) {
      // A plain DRF validation body ({"field": ["msg"]}) from an endpoint outside the handler.
      fields = flattenFieldErrors(b);
    } else if (Array.isArray(body)) {
      fields = { non_field_errors: body.map(String) };
    }
    let retryAfter: number | undefined;
    if (typeof b.retry_after === "number") retryAfter = b.retry_after;
    else if (retryAfterHeader && /^\d+$/.test(retryAfterHeader)) retryAfter = Number(retryAfterHeader);

    const code = typeof b.code === "string" ? b.code : defaultCode(status);
    let detail = typeof b.detail === "string" && b.detail ? b.detail : DEFAULT_MESSAGES[status] ?? DEFAULT_MESSAGES[status >= 500 ? 500 : 400];
    if (status === 429 && retryAfter !== undefined) {
      detail = `Too many requests. Please try again in ${retryAfter} second${retryAfter === 1 ? "" : "s"}.`;
    }
    return new ApiError({ status, code, detail, fields, retryAfter });
  }

  static network(): ApiError {
    return new ApiError({ status: 0, code: "network_error", detail: DEFAULT_MESSAGES[0] });
  }

  /** First error for a field, e.g. "email" or "items.0.quantity". */
  fieldError(name: string): string | undefined {
    return this.fields[name]?.[0];
  }

  /** Messages not attached to a known field, for a form-level alert. */
  get nonFieldErrors(): string[] {
    return this.fields.non_field_errors ?? [];
  }
}

function defaultCode(status: number): string {
  switch (status) {
    case 400:
      return "invalid";
    case 401:
      return "not_authenticated";
    case 403:
      return "permission_denied";
    case 404:
      return "not_found";
    case 409:
      return "conflict";
    case 413:
      return "too_large";
    case 429:
      return "throttled";
    default:
      return status >= 500 ? "server_error" : `http_${status}`;
  }
}

/**
 * Flattens DRF error structures into dotted keys:
 * {"items": [{}, {"quantity": ["bad"]}], "email": "bad"} -> {"items.1.quantity": ["bad"], "email": ["bad"]}
 */
export function flattenFieldErrors(value: unknown, prefix = ""): FieldErrors {
  const out: FieldErrors = {};
  const put = (key: string, msg: string) => {
    const k = key || "non_field_errors";
    (out[k] ??= []).push(msg);
  };
  const walk = (v: unknown, key: string) => {
    if (v === null || v === undefined) return;
    if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") {
      put(key, String(v));
    } else if (Array.isArray(v)) {
      if (v.every((x) => typeof x === "string")) {
        for (const x of v) put(key, x as string);
      } else {
        v.forEach((item, i) => {
          if (typeof item === "string") put(key, item);
          else walk(item, key ? `${key}.${i}` : String(i));
        });
      }
    } else if (typeof v === "object") {
      for (const [k, child] of Object.entries(v as Record<string, unknown>)) walk(child, key ? `${key}.${k}` : k);
    }
  };
  walk(value, prefix);
  return out;
}

export interface TokenStore {
  getAccess(): string | null;
  getRefresh(): string | null;
  setTokens(access: string, refresh: string): void;
  clear(): void;
}

export type QueryValue = string | number | boolean | null | undefined;

export interface RequestOptions {
  method?: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  query?: Record<string, QueryValue>;
  json?: unknown;
  form?: FormData;
  /** send the bearer token (default true) */
  auth?: boolean;
  /** send X-Business-ID when a business is active (default true) */
  business?: boolean;
  signal?: AbortSignal;
  accept?: string;
  /** extra headers (e.g. Idempotency-Key); they win over the defaults, X-Business-ID included */
  headers?: Record<string, string>;
}

export interface ApiClientOptions {
  baseUrl: string;
  tokens: TokenStore;
  getBusinessId?: () => string | number | null | undefined;
  onSessionExpired?: () => void;
  fetchImpl?: typeof fetch;
  /** serialises refreshes across tabs (Web Locks); defaults to running the function directly */
  lock?: <T>(fn: () => Promise<T>) => Promise<T>;
  /** clock for token expiry checks (seconds) */
  now?: () => number;
}

export interface BlobResult {
  blob: Blob;
  filename: string | null;
  contentType: string | null;
}

export interface LoginResult<U> {
  access: string;
  refresh: string;
  user: U;
}

const API_PREFIX = "/api/v1/";

/** Seconds since the epoch at which a JWT expires, or null when it can't be read. */
export function jwtExpiry(token: string): number | null {
  try {
    const part = token.split(".")[1];
    if (!part) return null;
    const b64 = part.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(part.length / 4) * 4, "=");
    const json = atob(b64);
    const exp = (JSON.parse(json) as { exp?: unknown }).exp;
    return typeof exp === "number" ? exp : null;
  } catch {
    return null;
  }
}

export function buildUrl(baseUrl: string, path: string, query?: Record<string, QueryValue>): string {
  const base = baseUrl.replace(/\/+$/, "");
  const clean = path.replace(/^\/+/, "");
  let url = `${base}${API_PREFIX}${clean}`;
  if (query) {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) {
      if (v === undefined || v === null || v === "") continue;
      params.append(k, String(v));
    }
    const qs = params.toString();
    if (qs) url += (url.includes("?") ? "&" : "?") + qs;
  }
  return url;
}

function filenameFrom(disposition: string | null): string | null {
  if (!disposition) return null;
  const star = /filename\*\s*=\s*(?:UTF-8'')?([^;]+)/i.exec(disposition);
  if (star) {
    try {
      return decodeURIComponent(star[1].trim().replace(/^"|"$/g, ""));
    } catch {
      /* fall through */
    }
  }
  const plain = /filename\s*=\s*"?([^";]+)"?/i.exec(disposition);
  return plain ? plain[1].trim() : null;
}

export type ApiClient = ReturnType<typeof createApiClient>;

export function createApiClient(options: ApiClientOptions) {
  const { tokens } = options;
  const doFetch: typeof fetch = options.fetchImpl ?? ((...args) => fetch(...args));
  const lock = options.lock ?? (<T,>(fn: () => Promise<T>) => fn());
  const now = options.now ?? (() => Date.now() / 1000);
  let inflight: Promise<string> | null = null;

  function expire(): ApiError {
    tokens.clear();
    options.onSessionExpired?.();
    return new ApiError({ status: 401, code: "session_expired", detail: "Your session has expired. Please sign in again." });
  }

  async function runRefresh(staleAccess: string | null): Promise<string> {
    // Another tab (or an earlier flight) may have refreshed already: reuse its token.
    const current = tokens.getAccess();
    if (current && current !== staleAccess && !isExpiring(current)) return current;
    const refresh = tokens.getRefresh();
    if (!refresh) throw expire();
    let res: Response;
    try {
      res = await doFetch(buildUrl(options.baseUrl, "auth/token/refresh/"), {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify({ refresh }),
      });
    } catch {
      throw ApiError.network();
    }
    if (!res.ok) {
      if (res.status === 400 || res.status === 401 || res.status === 403) throw expire();
      throw await parseErrorResponse(res);
    }
    const data = (await res.json()) as { access?: string; refresh?: string };
    if (!data.access) throw expire();
    // Refresh tokens rotate: the old one is now refused, so always keep the new one.
    tokens.setTokens(data.access, data.refresh ?? refresh);
    return data.access;
  }

  /** Single-flight: every caller waiting on a refresh shares the same promise. */
  function refreshAccess(staleAccess: string | null): Promise<string> {
    if (!inflight) {
      inflight = lock(() => runRefresh(staleAccess)).finally(() => {
        inflight = null;
      });
    }
    return inflight;
  }

  function isExpiring(token: string): boolean {
    const exp = jwtExpiry(token);
    return exp !== null && exp - 20 <= now();
  }

  async function send(path: string, opts: RequestOptions, accept: string, retried = false): Promise<Response> {
    const wantsAuth = opts.auth !== false;
    let access = wantsAuth ? tokens.getAccess() : null;
    // Refresh ahead of time rather than provoking a 401 we know is coming.
    if (wantsAuth && tokens.getRefresh() && (!access || isExpiring(access))) {
      access = await refreshAccess(access);
    }
    const headers: Record<string, string> = { Accept: accept };
    if (access) headers.Authorization = `Bearer ${access}`;
    if (opts.business !== false) {
      const biz = options.getBusinessId?.();
      if (biz !== null && biz !== undefined && biz !== "") headers["X-Business-ID"] = String(biz);
    }
    if (opts.headers) Object.assign(headers, opts.headers);
    let body: BodyInit | undefined;
    if (opts.form) {
      body = opts.form; // the browser sets the multipart boundary
    } else if (opts.json !== undefined) {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(opts.json);
    }
    let res: Response;
    try {
      res = await doFetch(buildUrl(options.baseUrl, path, opts.query), {
        method: opts.method ?? (body ? "POST" : "GET"),
        headers,
        body,
        signal: opts.signal,
      });
    } catch (err) {
      if (err instanceof DOMException && err.name === "AbortError") throw err;
      if ((err as { name?: string })?.name === "AbortError") throw err;
      throw ApiError.network();
    }
    if (res.status === 401 && wantsAuth && !retried && tokens.getRefresh()) {
      await refreshAccess(access);
      return send(path, opts, accept, true);
    }
    return res;
  }

  async function request<T>(path: string, opts: RequestOptions = {}): Promise<T> {
    const res = await send(path, opts, opts.accept ?? "application/json");
    if (!res.ok) throw await parseErrorResponse(res);
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    if (!text) return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch {
      return text as unknown as T;
    }
  }

  async function blob(path: string, opts: RequestOptions = {}): Promise<BlobResult> {
    const res = await send(path, opts, opts.accept ?? "*/*");
    if (!res.ok) throw await parseErrorResponse(res);
    return {
      blob: await res.blob(),
      filename: filenameFrom(res.headers.get("Content-Disposition")),
      contentType: res.headers.get("Content-Type"),
    };
  }

  async function login<U>(email: string, password: string): Promise<LoginResult<U>> {
    const data = await request<LoginResult<U>>("auth/token/", {
      method: "POST",
      json: { email, password },
      auth: false,
      business: false,
    });
    tokens.setTokens(data.access, data.refresh);
    return data;
  }

  /** Revokes the refresh token on the server (best effort) and forgets the tokens locally. */
  async function logout(): Promise<void> {
    const refresh = tokens.getRefresh();
    const access = tokens.getAccess();
    tokens.clear();
    if (!refresh) return;
    try {
      await doFetch(buildUrl(options.baseUrl, "auth/logout/"), {
        method: "POST",
        headers: {
          "Content-Type": "application/json",
          Accept: "application/json",
          ...(access ? { Authorization: `Bearer ${access}` } : {}),
        },
        body: JSON.stringify({ refresh }),
      });
    } catch {
      /* the tokens are gone locally either way */
    }
  }

  return {
    request,
    blob,
    login,
    logout,
    refresh: () => refreshAccess(tokens.getAccess()),
    get: <T,>(path: string, query?: Record<string, QueryValue>, opts: RequestOptions = {}) =>
      request<T>(path, { ...opts, method: "GET", query }),
    post: <T,>(path: string, json?: unknown, opts: RequestOptions = {}) =>
      request<T>(path, { ...opts, method: "POST", json: json ?? {} }),
    patch: <T,>(path: string, json: unknown, opts: RequestOptions = {}) =>
      request<T>(path, { ...opts, method: "PATCH", json }),
    put: <T,>(path: string, json: unknown, opts: RequestOptions = {}) =>
      request<T>(path, { ...opts, method: "PUT", json }),
    del: <T = void,>(path: string, opts: RequestOptions = {}) => request<T>(path, { ...opts, method: "DELETE" }),
  };
}

export async function parseErrorResponse(res: Response): Promise<ApiError> {
  let body: unknown = null;
  try {
    const text = await res.text();
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  return ApiError.from(res.status, body, res.headers.get("Retry-After"));
}

/** A user-facing message for any thrown value. */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) {
    const nf = err.nonFieldErrors;
    return nf.length ? nf.join(" ") : err.detail;
  }
  if (err instanceof Error && err.message) return err.message;
  return "Something went wrong. Please try again.";
}
