// The interpreter module PyScript loads (pyscript.json "interpreter"): Pyodide, started from the memory
// snapshot build.py made with this very runtime and Python code, or started normally when that
// snapshot is missing, damaged or from another build. A bad snapshot costs a normal boot, never an error.
//
// Pyodide 314's snapshot options (_loadSnapshot) are private: the page tells which way it booted in
// <body data-boot>, the tests hold both ways to working, and the bench measures the difference.
import { loadPyodide as startPyodide, version } from "../vendor/pyodide/pyodide.mjs";
import { fetchBytes } from "./net.js";

export { version };

// build.py writes the snapshot's name, size, CRC-32, SHA-256 and gzip size here. The gzip trailer carries
// the CRC-32 and size of what it holds, and inflating checks the bytes against it: a truncated or damaged
// file fails to inflate, and one from another build (a stale cache, a mixed deploy) has another CRC.
// snapshot-worker.js does the fetching, inflating and checking off the main thread, and keeps the
// inflated copy, which it checks against the SHA-256 when it reads it back.
const SNAPSHOT = __DIGITLAB_SNAPSHOT__;
const indexURL = new URL("../vendor/pyodide/", import.meta.url).href;
// The snapshot spares ~3 s of starting Python on a 2-core machine and costs its download (7-8 MB)
// where it is not cached yet. When PyScript asks for Python and the rest of the snapshot would take
// longer than this to arrive at the pace seen so far, start Python normally and leave the snapshot to
// the service worker, which caches it after the page is ready: the next visit gets it from there.
// Below the ~3 s it spares, so waiting for it is never much worse than not; at 1.5 s a loaded machine
// serving itself took localhost for a slow link.
const WORTH_WAITING_S = 2.5;
let reading = null;
let stopReading = () => {};
let askPace = async () => ({ complete: true });
const download = { arrived: 0, over: false, failed: false }; // as far as the page has heard

/** Start everything Python will need that can be fetched before PyScript asks for it: the snapshot
 * (in a worker) and the Python files. main.js calls this as early as it can. */
export function startLoading() {
  fetchPythonFiles().catch(() => {}); // the error is reported when Python needs them
  return startSnapshot();
}

/** Start fetching and inflating the snapshot in a worker. Resolves to the memory, or to null (with a
 * note in the console) when there is no good one. */
function startSnapshot() {
  reading ??= readSnapshot()
    .then((memory) => (performance.mark("digitlab:snapshot-read"), memory))
    .catch((error) => {
      download.failed = true;
      // The progress bar counted on these bytes: they will not come.
      dispatchEvent(new CustomEvent("digitlab:bytes-dropped", { detail: SNAPSHOT.packed - download.arrived }));
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
    let answer = null; // the pending question about the pace, if any
    const finish = (error, memory) => {
      download.over = true;
      if (error) worker.terminate(); // else it goes on to keep an inflated copy, then closes itself
      answer?.({ complete: true });
      download.failed = Boolean(error);
      if (error) reject(error);
      else resolve(memory);
    };
    stopReading = (why) => finish(new Error(why));
    // Once it is over the worker may have closed, and a question to it would wait for ever.
    askPace = () =>
      download.over
        ? Promise.resolve({ complete: true })
        : new Promise((resolve) => ((answer = resolve), worker.postMessage({ ask: true })));
    worker.onmessage = ({ data }) => {
      if ("received" in data) {
        download.arrived += data.received;
        dispatchEvent(new CustomEvent("digitlab:bytes", { detail: data.received }));
      } else if ("pace" in data) {
        answer(data.pace);
      } else {
        if (data.memory) document.body.dataset.snapshot = data.kept ? "kept" : "downloaded";
        finish(data.memory ? null : new Error(data.error), data.memory);
      }
    };
    worker.onerror = (event) => finish(new Error(event.message || "the worker failed"));
    const url = new URL(`../${SNAPSHOT.file}`, import.meta.url).href;
    worker.postMessage({ ...SNAPSHOT, url });
  });
}

/** Seconds the rest of the snapshot would take at the pace it arrives: 0 once it is all here or when
 * the service worker serves it from its cache. With no byte yet, it waits for one, as long as the
 * snapshot would be worth waiting for, and counts that wait. When the pace since the start says it is
 * not worth it, a second look, SECOND_LOOK_MS later, judges by the bytes of that span alone: on a
 * busy machine the worker's own slow start made localhost look like a slow link. */
const SECOND_LOOK_MS = 250;

async function secondsToWait() {
  if (download.over || navigator.serviceWorker?.controller) return 0;
  const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  const rest = (pace, bytesPerMs) => (SNAPSHOT.packed - pace.arrived) / Math.max(bytesPerMs, 1e-9) / 1000;
  for (let waited = 0; ; waited += 50) {
    const pace = await askPace();
    if (pace.complete) return 0;
    if (pace.arrived) {
      const soFar = waited / 1000 + rest(pace, pace.arrived / Math.max(pace.ms, 1));
      if (soFar <= WORTH_WAITING_S) return soFar;
      await pause(SECOND_LOOK_MS);
      const now = await askPace();
      if (now.complete) return 0;
      const recent = (now.arrived - pace.arrived) / Math.max(now.ms - pace.ms, 1);
      return (waited + SECOND_LOOK_MS) / 1000 + rest(now, recent);
    }
    if (waited >= WORTH_WAITING_S * 1000) return Infinity;
    await pause(50);
  }
}

/** Pyodide's Emscripten module, made while the snapshot is still being read, then filled from it.
 * Pyodide awaits the snapshot before it makes the module, which would leave loading its WebAssembly
 * until the snapshot is here: it is handed an empty array of the right size at once (`vessel`), and
 * the module is returned only once the snapshot, read and checked, has been copied into it.
 * Pyodide copies the snapshot into the module's memory as instantiated (30 MiB) without growing it
 * first; the snapshot may hold more (the prepared page state, digitlab/boot.py), so grow it first. */
async function createFilledModule(settings, reading, vessel) {
  const { default: createPyodideModule } = await import("../vendor/pyodide/pyodide.asm.mjs");
  const [module, snapshot] = await Promise.all([createPyodideModule(settings), reading]);
  if (!snapshot) throw new Error("no snapshot");
  vessel.set(snapshot);
  const heapStart = new DataView(snapshot.buffer, snapshot.byteOffset, 8).getUint32(4, true); // header: magic, heap offset
  const heapBytes = snapshot.length - heapStart;
  if (module.HEAP8.length < heapBytes) module.growMemory(heapBytes);
  return module;
}

// What Python reads from its file system, written here rather than by PyScript's "files" (which
// fetches them only once Python has started, and unpacks the package with Python's tarfile, ~60 ms
// of a return visit): fetched while Python starts, written in a few milliseconds before
// loadPyodide returns. Archives (.tar.gz) are unpacked where PyScript would have put them; the other
// files (digitlab/boot.py FILES) keep their names. build.py writes the lists: the files Python needs,
// and the bytecode it can do without (snapshot.compile_packages: without it, Python compiles).
const PYTHON_FILES = __DIGITLAB_PYTHON_FILES__;
let fetching = null;

// A browser without DecompressionStream gets the archives as they are, and Pyodide unpacks them.
const CAN_INFLATE = typeof DecompressionStream === "function";

async function fetchFile(name) {
  const bytes = await fetchBytes(new URL(`../${name}`, import.meta.url)); // a deadline, and a second try
  if (!name.endsWith(".tar.gz") || !CAN_INFLATE) return [name, bytes];
  const inflated = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  return [name, new Uint8Array(await new Response(inflated).arrayBuffer())];
}

function fetchPythonFiles() {
  const { needed, bytecode } = PYTHON_FILES;
  const spare = () =>
    (CAN_INFLATE ? fetchFile(bytecode.file) : Promise.reject(new Error("this browser cannot inflate it"))).catch((error) => {
      dispatchEvent(new CustomEvent("digitlab:bytes-dropped", { detail: bytecode.bytes }));
      console.info(`digitlab: Python compiles its modules itself (${error.message})`);
      return null;
    });
  fetching ??= Promise.all([...needed.map(fetchFile), spare()]).then((files) => files.filter(Boolean));
  return fetching;
}

async function writePythonFiles(pyodide) {
  const { FS } = pyodide;
  const home = FS.cwd();
  const write = (name, bytes) => {
    const path = `${home}/${name}`;
    FS.mkdirTree(path.slice(0, path.lastIndexOf("/")));
    FS.writeFile(path, bytes);
  };
  for (const [name, bytes] of await fetchPythonFiles()) {
    if (!name.endsWith(".tar.gz")) write(name, bytes);
    else if (CAN_INFLATE) for (const [member, contents] of tarMembers(bytes)) write(member, contents);
    else pyodide.unpackArchive(bytes, "gztar", { extractDir: home });
  }
}

/** The regular files in a ustar archive (what build.py writes: files only, no links), as [name, bytes]. */
function* tarMembers(tar) {
  const text = new TextDecoder();
  for (let at = 0; at + 512 <= tar.length; ) {
    const header = tar.subarray(at, at + 512);
    const field = (start, length) => text.decode(header.subarray(start, start + length)).replace(/\0[^]*$/, "");
    const name = field(0, 100);
    if (!name) return; // the two zero blocks that end the archive
    const size = parseInt(field(124, 12).trim() || "0", 8);
    const prefix = field(345, 155);
    if (["0", ""].includes(field(156, 1))) {
      yield [prefix ? `${prefix}/${name}` : name, tar.subarray(at + 512, at + 512 + size)];
    }
    at += 512 + Math.ceil(size / 512) * 512;
  }
}

/** What PyScript calls: Pyodide from the snapshot when there is a good one, else started normally,
 * with the Python files written. */
export async function loadPyodide(options) {
  performance.mark("digitlab:load-python");
  startLoading();
  const pyodide = (await startFromSnapshot(options)) ?? (await startNormally(options));
  await writePythonFiles(pyodide);
  performance.mark("digitlab:python-started");
  return pyodide;
}

async function startFromSnapshot(options) {
  const wait = await secondsToWait();
  if (wait > WORTH_WAITING_S) stopReading(`a slow link: ${wait.toFixed(1)} s more to download it`);
  // Pyodide starts downloading its own files as soon as it is called: once it has been handed a
  // snapshot that then fails, they are downloaded twice. Where the answer is known, go straight on.
  if (download.failed) return null;
  try {
    const vessel = new Uint8Array(SNAPSHOT.bytes);
    const createPyodideModule = (settings) => createFilledModule(settings, reading, vessel);
    const pyodide = await startPyodide({ ...options, indexURL, _loadSnapshot: vessel, createPyodideModule });
    document.body.dataset.boot = "snapshot";
    return pyodide;
  } catch (error) {
    // Another runtime's snapshot (Pyodide checks its build id) or one it cannot restore.
    if (await reading) console.info(`digitlab: the snapshot was refused (${error.message}); starting Python normally`);
    return null;
  }
}

async function startNormally(options) {
  const pyodide = await startPyodide({ ...options, indexURL });
  document.body.dataset.boot = "fresh";
  return pyodide;
}
