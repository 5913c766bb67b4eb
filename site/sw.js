// Offline after the first visit: cache every file of the build, serve from the cache first.
// build.py replaces the two placeholders below; a new deploy has a new VERSION (a hash of
// every file), so its install fills a fresh cache and activate deletes the old ones.
const VERSION = "__DIGITLAB_VERSION__";
const ASSETS = __DIGITLAB_ASSETS__;
const CACHE = `digitlab-${VERSION}`;

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(ASSETS)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((n) => n.startsWith("digitlab-") && n !== CACHE).map((n) => caches.delete(n))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || new URL(request.url).origin !== self.location.origin) return;
  event.respondWith(
    caches.open(CACHE).then((cache) =>
      cache.match(request, { ignoreSearch: true }).then((hit) => hit || fetch(request)),
    ),
  );
});
