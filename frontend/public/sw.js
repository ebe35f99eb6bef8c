/* KAVI service worker: keeps the app shell available offline. Never caches the API. */
const BUILD = "__BUILD_ID__";
const SHELL_CACHE = `kavi-shell-${BUILD}`;
const ASSET_CACHE = `kavi-assets-${BUILD}`;
const SHELL = ["/", "/manifest.webmanifest", "/icons/favicon.svg", "/icons/icon-192.png", "/icons/icon-512.png"];
// Replaced at build time with every hashed script and stylesheet (route chunks included).
const ASSETS = "__ASSETS__";

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(SHELL_CACHE);
      await cache.addAll(SHELL);
      // Precache every route chunk so any page opens offline; a failed file is fetched later.
      const assets = await caches.open(ASSET_CACHE);
      const urls = Array.isArray(ASSETS) ? ASSETS : [];
      await Promise.all(urls.map((u) => assets.add(u).catch(() => undefined)));
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

self.addEventListener("fetch", (event) => {
  const req = event.request;
  if (req.method !== "GET") return;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/api/") || url.pathname.startsWith("/admin/")) return;

  if (req.mode === "navigate") {
    // Network first so a deploy shows at once; the cached shell when offline.
    event.respondWith(
      (async () => {
        try {
          const fresh = await fetch(req);
          if (fresh.ok && url.pathname === "/") (await caches.open(SHELL_CACHE)).put("/", fresh.clone());
          return fresh;
        } catch {
          return (await caches.match("/")) || Response.error();
        }
      })(),
    );
    return;
  }

  if (url.pathname.startsWith("/assets/")) {
    // Hashed file names never change content: cache first.
    event.respondWith(
      (async () => {
        const cached = await caches.match(req);
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
