/*
 * KAVI service worker: the app shell opens offline. It never caches the API (the app keeps the
 * last data the user saw in IndexedDB itself).
 *
 * - Install precaches only what the first screens need (the entry, its CSS, the dashboard and the
 *   sign-in chunks), so a phone's first visit isn't slowed by every page's files.
 * - Hashed files are cache-first and kept as they are used (runtime cache); once the app is idle
 *   it asks the worker to fetch the remaining route chunks in the background ("warm").
 * - Navigations are network-first with the cached shell as the offline answer.
 */
const BUILD = "__BUILD_ID__";
const SHELL_CACHE = `kavi-shell-${BUILD}`;
const ASSET_CACHE = `kavi-assets-${BUILD}`;
const SHELL = ["/", "/manifest.webmanifest", "/icons/favicon.svg", "/icons/icon-192.png", "/icons/icon-512.png"];
// Replaced at build time: the first screens' files, and every hashed script and stylesheet.
const PRECACHE = "__PRECACHE__";
const ASSETS = "__ASSETS__";
const list = (v) => (Array.isArray(v) ? v : []);

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const shell = await caches.open(SHELL_CACHE);
      await shell.addAll(SHELL);
      const assets = await caches.open(ASSET_CACHE);
      await assets.addAll(list(PRECACHE));
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      const keep = new Set([SHELL_CACHE, ASSET_CACHE]);
      for (const key of await caches.keys()) if (key.startsWith("kavi-") && !keep.has(key)) await caches.delete(key);
      await self.clients.claim();
    })(),
  );
});

let warming = null;

/** Fetches the hashed files not cached yet, a few at a time, then tells the page. */
function warm() {
  warming ??= (async () => {
    const cache = await caches.open(ASSET_CACHE);
    const todo = [];
    for (const url of list(ASSETS)) if (!(await cache.match(url))) todo.push(url);
    const next = async () => {
      for (let url = todo.shift(); url; url = todo.shift()) {
        try {
          const res = await fetch(url, { priority: "low" });
          if (res.ok) await cache.put(url, res);
        } catch {
          /* offline again: the next warm-up picks it up */
        }
      }
    };
    await Promise.all([next(), next(), next()]);
  })().finally(() => {
    warming = null;
  });
  return warming;
}

self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "warm") {
    event.waitUntil(
      warm().then(async () => {
        const source = event.source;
        if (source && "postMessage" in source) source.postMessage({ type: "warmed" });
      }),
    );
  }
});

self.addEventListener("fetch", (event) => {
  const req = event.request;
  if (req.method !== "GET") return;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/api/") || url.pathname.startsWith("/admin/") || url.pathname.startsWith("/static/")) return;

  if (req.mode === "navigate") {
    // Network first so a deploy shows at once; the cached shell when offline.
    event.respondWith(
      (async () => {
        try {
          const fresh = await fetch(req);
          if (fresh.ok && url.pathname === "/") (await caches.open(SHELL_CACHE)).put("/", fresh.clone());
          return fresh;
        } catch {
          return (await caches.match("/", { cacheName: SHELL_CACHE })) || (await caches.match("/")) || Response.error();
        }
      })(),
    );
    return;
  }

  if (url.pathname.startsWith("/assets/")) {
    // Hashed file names never change content: cache first, kept once seen.
    event.respondWith(
      (async () => {
        const cached = await caches.match(req, { ignoreSearch: true });
        if (cached) return cached;
        const res = await fetch(req);
        if (res.ok) (await caches.open(ASSET_CACHE)).put(req, res.clone());
        return res;
      })(),
    );
    return;
  }

  if (SHELL.includes(url.pathname)) {
    event.respondWith(caches.match(req).then((c) => c || fetch(req)));
  }
});
