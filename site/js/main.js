// Wire the pad and the chart helpers where the Python page layer (digitlab/page/) can find them.
import { createPad } from "./pad.js";
import { copyRegion, lineChart, placeholder, plot, putPixels } from "./charts.js";
import { fetchBytes } from "./net.js";
import { keepSnapshot, startLoading } from "./runtime.mjs";

const byTestId = (id) => document.querySelector(`[data-testid="${id}"]`);

// What went wrong in this page, in any browser (tests in engines without a console API read it): uncaught
// errors, rejected promises nobody handled, Content-Security-Policy violations, Python tracebacks.
const problems = [];
addEventListener("error", (event) => problems.push(`error: ${event.message}`));
addEventListener("unhandledrejection", (event) => problems.push(`unhandled rejection: ${event.reason}`));
addEventListener("securitypolicyviolation", (event) => problems.push(`CSP: ${event.violatedDirective} ${event.blockedURI}`));
const pad = createPad(byTestId("pad"));
// Clear and Undo are the pad's own business: Python hears only the stroke-end event they cause.
byTestId("clear").addEventListener("click", () => pad.clear());
byTestId("undo").addEventListener("click", () => pad.undo());
// A pause for a long computation in Python to let the page take input and paint: a task posted on a
// MessageChannel, which a hidden tab does not throttle to once a second as it does timers (setTimeout).
const channel = new MessageChannel();
const waiting = [];
channel.port1.onmessage = () => waiting.shift()?.();
const breathe = () => new Promise((resolve) => (waiting.push(resolve), channel.port2.postMessage(null)));
window.digitlab = { pad, lineChart, plot, putPixels, copyRegion, placeholder, fetchBytes, problems, breathe };
for (const id of ["loss-chart", "accuracy-chart"]) {
  placeholder(byTestId(id), "Press “Train in browser” to watch it learn");
}

// Determinate boot progress: count the bytes of every response as they arrive, against the total
// build.py wrote into the page (the runtime, the Python package, the 0/1 data and weights).
const bootProgress = byTestId("boot-progress");
let expected = Number(document.body.dataset.bootBytes) || 0;
let received = 0;
const plainFetch = window.fetch.bind(window);
window.fetch = async (...args) => {
  const response = await plainFetch(...args);
  if (!response.body || document.body.dataset.ready === "true" || !expected) return response;
  if (navigator.serviceWorker?.controller) {
    // Served from the service worker's cache: all here at once. Handing on the response itself keeps
    // it a cached response, so Chromium can reuse the compiled WebAssembly instead of compiling again.
    received += Number(response.headers.get("content-length")) || 0;
    showProgress();
    return response;
  }
  const counted = response.body.pipeThrough(
    new TransformStream({
      transform(chunk, controller) {
        received += chunk.byteLength;
        bootProgress.value = Math.min(received / expected, 1);
        controller.enqueue(chunk);
      },
    }),
  );
  return new Response(counted, { status: response.status, statusText: response.statusText, headers: response.headers });
};
// The snapshot arrives in a worker (runtime.mjs), which reports its bytes here, and what will not
// come after all when Python starts without it.
const showProgress = () => {
  if (document.body.dataset.ready !== "true" && expected) bootProgress.value = Math.min(received / expected, 1);
};
addEventListener("digitlab:bytes", ({ detail }) => ((received += detail), showProgress()));
addEventListener("digitlab:bytes-dropped", ({ detail }) => ((expected -= detail), showProgress()));

// The runtime's memory snapshot is the biggest file: start it (and the Python files) now, while
// PyScript itself loads.
startLoading();

// Boot progress from PyScript's lifecycle, shown until Python says it is ready.
const status = document.getElementById("boot-status");
addEventListener("py:ready", () => {
  if (document.body.dataset.ready !== "true") status.textContent = "Python is running: loading the model…";
});

// Offline after the first visit: once the service worker is active, every file is in its cache.
// A new deploy installs beside the running one and waits; the page offers to reload into it.
// Registered once the page is ready: filling its cache fetches every file again, which on a first
// visit would compete with the boot's own downloads.
const pageReady = new Promise((resolve) => {
  const check = () => document.body.dataset.ready === "true" && (watcher.disconnect(), resolve());
  const watcher = new MutationObserver(check);
  watcher.observe(document.body, { attributes: true, attributeFilter: ["data-ready"] });
  check();
});
// A start that fails (PyScript shows Python's traceback, far below) or never ends offers a repair, in view:
// forget this deployment's cached files and start again from the network.
const repair = byTestId("repair");
const offerRepair = (why) => {
  if (document.body.dataset.ready === "true" || !repair.hidden) return;
  byTestId("repair-why").textContent = why;
  repair.hidden = false;
};
new MutationObserver((records) => {
  const errors = records.flatMap((r) => [...r.addedNodes].filter((node) => node.classList?.contains("py-error")));
  problems.push(...errors.map((node) => `Python: ${node.textContent.trim().split("\n").pop()}`));
  if (errors.length) offerRepair("The page could not start: Python stopped with an error.");
}).observe(document.body, { childList: true });
addEventListener("error", () => offerRepair("The page could not start: a script failed."));
// A failure inside a promise (Pyodide's own start among them) is as fatal as a thrown one: say so at once.
addEventListener("unhandledrejection", () => offerRepair("The page could not start: a script failed."));
setTimeout(() => offerRepair("The page is taking far longer than usual to start."), 60_000);
pageReady.then(() => (repair.hidden = true));
// The inflated snapshot this page started from is kept for the next visit, once the page has time.
pageReady.then(() => setTimeout(keepSnapshot, 1000));
byTestId("repair-button").addEventListener("click", async () => {
  const scope = new URL("./", location.href).href;
  if (!navigator.onLine) {
    // Offline, removing the cached files would leave nothing to start from: keep them, and say why.
    byTestId("repair-why").textContent = "You are offline: Repair downloads the page again, so it needs the network. Nothing was removed.";
    return;
  }
  if (byTestId("repair-forget").checked) {
    // Only this deployment's keys (keeping.py's prefix): other sites of this origin keep theirs.
    const prefix = `digitlab:${location.pathname.replace(/[^/]*$/, "")}:`;
    for (const key of Object.keys(localStorage)) if (key.startsWith(prefix)) localStorage.removeItem(key);
  }
  try {
    await (await navigator.serviceWorker?.getRegistration("./"))?.unregister();
    for (const name of await caches.keys()) if (name.includes(scope)) await caches.delete(name);
  } finally {
    location.reload();
  }
});

if ("serviceWorker" in navigator) {
  let updating = false; // this tab asked for the new version: it reloads at once
  const offerUpdate = (worker) => {
    const button = byTestId("update-ready");
    button.hidden = false;
    button.onclick = () => ((updating = true), worker.postMessage("skip-waiting"));
  };
  pageReady
    .then(() => navigator.serviceWorker.register("./sw.js"))
    .then((registration) => {
      if (registration.waiting && navigator.serviceWorker.controller) offerUpdate(registration.waiting);
      registration.addEventListener("updatefound", () => {
        const worker = registration.installing;
        worker.addEventListener("statechange", () => {
          if (worker.state === "installed" && navigator.serviceWorker.controller) offerUpdate(worker);
        });
      });
      return navigator.serviceWorker.ready;
    })
    .then(() => {
      if (byTestId("offline-broken").hidden) byTestId("offline-badge").hidden = false;
    })
    .catch(() => {}); // no service worker (blocked, private mode, file://): the app works online as before
  // A file the worker found damaged and could not replace (offline): the badge must not claim offline use.
  navigator.serviceWorker.addEventListener("message", (event) => {
    if (!event.data?.damaged) return;
    byTestId("offline-badge").hidden = true;
    const broken = byTestId("offline-broken");
    broken.textContent = `Not available offline for now: the stored copy of ${event.data.damaged} is damaged. It is downloaded again the next time this page is open with a network.`;
    broken.hidden = false;
  });
  // Another tab chose the new version: this one follows, but only when nobody is looking at it and it is idle
  // (never mid-stroke, mid-lesson or mid-run); the tab that asked reloads at once.
  let reloading = false;
  const reloadWhenIdle = () => {
    const quiet = document.hidden && document.body.dataset.activity === "idle";
    if (reloading || (!updating && !quiet)) return false;
    reloading = true;
    location.reload();
    return true;
  };
  navigator.serviceWorker.addEventListener("controllerchange", () => {
    if (byTestId("update-ready").hidden && !updating) return; // first install: nothing to reload
    if (reloadWhenIdle()) return;
    byTestId("update-ready").textContent = "A new version is active: reload to use it (this tab reloads by itself once you leave it idle)";
    byTestId("update-ready").onclick = () => ((updating = true), reloadWhenIdle());
    const watcher = new MutationObserver(() => reloadWhenIdle() && watcher.disconnect());
    watcher.observe(document.body, { attributes: true, attributeFilter: ["data-activity"] });
    document.addEventListener("visibilitychange", () => reloadWhenIdle() && watcher.disconnect());
  });
}
