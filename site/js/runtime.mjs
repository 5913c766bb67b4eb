// The interpreter module PyScript loads (pyscript.json "interpreter"): Pyodide, started from the memory
// snapshot build.py made with this very runtime and Python code, or started normally when that
// snapshot is missing, damaged or from another build. A bad snapshot costs a normal boot, never an error.
//
// Pyodide 314's snapshot options (_loadSnapshot) are private: the page tells which way it booted in
// <body data-boot>, the tests hold both ways to working, and the bench measures the difference.
import { loadPyodide as startPyodide, version } from "../vendor/pyodide/pyodide.mjs";

export { version };

// build.py writes the snapshot's name, size and CRC-32 here. The gzip trailer carries the CRC-32 and
// size of what it holds, and inflating checks the bytes against it: a truncated or damaged file fails
// to inflate, and one from another build (a stale cache, a mixed deploy) has another CRC.
// snapshot-worker.js does the fetching, inflating and checking, off the main thread.
const SNAPSHOT = __DIGITLAB_SNAPSHOT__;
const indexURL = new URL("../vendor/pyodide/", import.meta.url).href;
let reading = null;

/** Start fetching and inflating the snapshot in a worker; main.js calls this as early as it can.
 * Resolves to the memory, or to null (with a note in the console) when there is no good one. */
export function startSnapshot() {
  reading ??= readSnapshot()
    .then((memory) => (performance.mark("digitlab:snapshot-read"), memory))
    .catch((error) => {
      console.info(`digitlab: starting Python without the snapshot (${error.message})`);
      return null;
    });
  return reading;
}

function readSnapshot() {
  if (!SNAPSHOT) return Promise.reject(new Error("this build has none"));
  if (typeof DecompressionStream !== "function") return Promise.reject(new Error("this browser cannot inflate it"));
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL("./snapshot-worker.js", import.meta.url));
    worker.onmessage = ({ data }) => {
      if (data.received) {
        dispatchEvent(new CustomEvent("digitlab:bytes", { detail: data.received }));
        return;
      }
      worker.terminate();
      if (data.memory) resolve(data.memory);
      else reject(new Error(data.error));
    };
    worker.onerror = (event) => (worker.terminate(), reject(new Error(event.message || "the worker failed")));
    const url = new URL(`../${SNAPSHOT.file}`, import.meta.url).href;
    worker.postMessage({ url, bytes: SNAPSHOT.bytes, crc32: SNAPSHOT.crc32 });
  });
}

/** Pyodide's Emscripten module with room for the snapshot. Pyodide copies the snapshot into the module's
 * memory as instantiated (30 MiB) without growing it first; the snapshot holds more (the prepared page
 * state, digitlab/boot.py), so grow the memory to the snapshot's heap before Pyodide restores it. */
async function createGrownModule(settings, memory) {
  const { default: createPyodideModule } = await import("../vendor/pyodide/pyodide.asm.mjs");
  const module = await createPyodideModule(settings);
  const snapshot = await memory;
  const heapStart = new DataView(snapshot.buffer, snapshot.byteOffset, 8).getUint32(4, true); // header: magic, heap offset
  const heapBytes = snapshot.length - heapStart;
  if (module.HEAP8.length < heapBytes) module.growMemory(heapBytes);
  return module;
}

/** What PyScript calls: Pyodide from the snapshot when there is a good one, else started normally. */
export async function loadPyodide(options) {
  performance.mark("digitlab:load-python");
  // Handed over as a promise, so Pyodide loads its own files while the snapshot is still inflating;
  // with no good snapshot it rejects before Pyodide has started anything.
  const memory = startSnapshot().then((memory) => memory ?? Promise.reject(new Error("no snapshot")));
  memory.catch(() => {}); // Pyodide awaits it only later: not an unhandled rejection meanwhile
  try {
    const createPyodideModule = (settings) => createGrownModule(settings, memory);
    const pyodide = await startPyodide({ ...options, indexURL, _loadSnapshot: memory, createPyodideModule });
    document.body.dataset.boot = "snapshot";
    performance.mark("digitlab:python-started");
    return pyodide;
  } catch (error) {
    // Another runtime's snapshot (Pyodide checks its build id) or one it cannot restore.
    if (await startSnapshot()) console.info(`digitlab: the snapshot was refused (${error.message}); starting Python normally`);
  }
  const pyodide = await startPyodide({ ...options, indexURL });
  document.body.dataset.boot = "fresh";
  performance.mark("digitlab:python-started");
  return pyodide;
}
