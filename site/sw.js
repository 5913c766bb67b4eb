// Offline after the first visit: cache every file of the build, serve from the cache first.
// build.py replaces the two placeholders below; a new deploy has a new VERSION (a hash of every file).
// Cache names carry this deployment's scope, so two deployments on one origin (user.github.io/a/
// and /b/) never delete each other's caches.
const VERSION = "__DIGITLAB_VERSION__";
const ASSETS = __DIGITLAB_ASSETS__;
const PREFIX = `digitlab:${self.registration.scope}:`;
const CACHE = PREFIX + VERSION;

self.addEventListener("install", (event) => {
  // cache: "reload" goes past the HTTP cache: GitHub Pages sends max-age=600, and a new version
  // filled from the HTTP cache would claim to be B while serving A's files.
  const fresh = ASSETS.map((url) => new Request(url, { cache: "reload" }));
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(fresh)));
  // No skipWaiting here: an open page keeps its version until the user chooses to reload into
  // the new one (main.js shows the button), except on a first visit, when nothing is waiting.
});

self.addEventListener("message", (event) => {
  if (event.data === "skip-waiting") self.skipWaiting();
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((n) => n.startsWith(PREFIX) && n !== CACHE).map((n) => caches.delete(n))))
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
