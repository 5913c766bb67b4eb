// Offline after the first visit: cache every file of the build, serve from the cache first.
// build.py replaces the placeholders below; a new deploy has a new VERSION (a hash of every file), and
// FILES holds each file's SHA-256, so that nothing damaged is kept, or served more than once.
// Cache names carry this deployment's scope, so two deployments on one origin (user.github.io/a/
// and /b/) never delete each other's caches.
const VERSION = "__DIGITLAB_VERSION__";
const FILES = __DIGITLAB_FILES__; // "./path" -> SHA-256 hex ("./" is index.html's)
const PREFIX = `digitlab:${self.registration.scope}:`;
const CACHE = PREFIX + VERSION;
const CHECK_AFTER_MS = 3000; // a file served from the cache is checked once the page has started

const hex = (buffer) => Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, "0")).join("");
const digest = async (response) => hex(await crypto.subtle.digest("SHA-256", await response.arrayBuffer()));
const keyOf = (url) => "./" + new URL(url).href.slice(self.registration.scope.length).split(/[?#]/)[0];

// The build's own copy of a file, from the network, checked against its hash (tried twice): a response
// damaged on the way (truncated, a proxy's error page) is never cached.
async function fetchChecked(key) {
  for (let attempt = 1; attempt <= 2; attempt++) {
    // cache: "reload" goes past the HTTP cache: GitHub Pages sends max-age=600, and a new version
    // filled from the HTTP cache would claim to be B while serving A's files.
    const response = await fetch(new Request(key, { cache: "reload" }));
    if (response.ok && (await digest(response.clone())) === FILES[key]) return response;
  }
  throw new Error(`${key} is not the file this build made`);
}

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) =>
      Promise.all(Object.keys(FILES).map(async (key) => cache.put(key, await fetchChecked(key)))),
    ),
  );
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

// A cached file damaged since (storage, an extension, a bug) is found after it was served, and replaced
// from the network: the page that got it may fail (and offers a repair), the next one gets a good copy.
// Offline, the copy stays (deleted, it would never be cached again) and every open page is told plainly that
// offline use is broken until the network is back; it is checked and replaced again at its next use.
async function recheck(cache, key, served) {
  await new Promise((resolve) => setTimeout(resolve, CHECK_AFTER_MS));
  if ((await digest(served)) === FILES[key]) return;
  const good = await fetchChecked(key).catch(() => null);
  if (good) {
    await cache.put(key, good);
    return;
  }
  for (const client of await self.clients.matchAll({ includeUncontrolled: true })) {
    client.postMessage({ damaged: key.slice(2) });
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || new URL(request.url).origin !== self.location.origin) return;
  const key = keyOf(request.url);
  event.respondWith(
    caches.open(CACHE).then(async (cache) => {
      const hit = await cache.match(request, { ignoreSearch: true });
      if (!hit) return fetch(request);
      if (key in FILES) event.waitUntil(recheck(cache, key, hit.clone()));
      return hit;
    }),
  );
});
