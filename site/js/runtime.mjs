// The interpreter module PyScript loads (pyscript.json "interpreter"): Pyodide, started from the memory
// snapshot build.py made with this very runtime and Python code, or started normally when that snapshot
// is missing, damaged, from another build, not here yet, or for another Pyodide. A bad snapshot costs a
// normal boot, never an error. What Pyodide does not promise is used in pyodide-private.mjs only; the
// page tells which way it booted in <body data-boot>, the tests hold both ways to working, and the bench
// measures the difference.
import { loadPyodide as startPyodide, version } from "../vendor/pyodide/pyodide.mjs";
import { fetchBytes } from "./net.js";
import { snapshotsWork, startFromSnapshot } from "./pyodide-private.mjs";

export { version };

// build.py writes the snapshot's name, size, CRC-32, SHA-256 and gzip size here. The gzip trailer carries
// the CRC-32 and size of what it holds, and inflating checks the bytes against it: a truncated or damaged
// file fails to inflate, and one from another build (a stale cache, a mixed deploy) has another CRC.
// snapshot-worker.js does the fetching, inflating and checking off the main thread; it reads the inflated
// copy this page keeps (checked against the SHA-256) instead when there is one.
const SNAPSHOT = __DIGITLAB_SNAPSHOT__;
const indexURL = new URL("../vendor/pyodide/", import.meta.url).href;
// One rule for whether Python waits for the snapshot: only when what is left of its download takes less
// than the ~3 s of starting Python it spares (2.5 s, to be safe). When PyScript asks for Python, the
// snapshot is used if it is on this device (the inflated copy kept here, or the service worker's cache),
// or if the rest of it would arrive within 2.5 s at the pace it has been arriving since its first byte
// (timed over 150 ms at least: Python waits up to 0.5 s for that);
// otherwise Python starts at once without it, and the service worker, registered once the page is ready,
// keeps it for the next visit. On a 10 Mbit/s link that means at once: 7 MB take ~6 s there.
const WORTH_WAITING_S = 2.5;
const FIRST_BYTES_MS = 500;
const PACE_MS = 150;
const SNAPSHOT_URL = new URL(`../${SNAPSHOT?.file}`, import.meta.url).href;
const KEPT = { cache: `digitlab-snapshot:${new URL("./", SNAPSHOT_URL)}`, key: `${SNAPSHOT_URL}?inflated=${SNAPSHOT?.sha256}` };
let reading = null;
let worker = null;
let inflated = null; // the memory this page started from, to keep for the next visit
const download = { arrived: 0, over: false }; // what the worker has said

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
      // The progress bar counted on these bytes: they will not come.
      if (SNAPSHOT) dispatchEvent(new CustomEvent("digitlab:bytes-dropped", { detail: SNAPSHOT.packed - download.arrived }));
      console.info(`digitlab: starting Python without the snapshot (${error.message})`);
      return null;
    });
  return reading;
}

function readSnapshot() {
  if (!SNAPSHOT) return Promise.reject(new Error("this build has none"));
  if (!snapshotsWork(version)) return Promise.reject(new Error(`it was not made for Pyodide ${version}`));
  if (typeof DecompressionStream !== "function") return Promise.reject(new Error("this browser cannot inflate it"));
  return new Promise((resolve, reject) => {
    worker = new Worker(new URL("./snapshot-worker.js", import.meta.url));
    let answer = null; // the pending question about how far it is, if any
    const finish = (error, memory) => {
      download.over = true;
      worker.terminate();
      answer?.({});
      if (error) reject(error);
      else resolve(memory);
    };
    stopReading = (why) => finish(new Error(why));
    askWorker = () => (download.over ? Promise.resolve({}) : new Promise((r) => ((answer = r), worker.postMessage("how far?"))));
    worker.onmessage = ({ data }) => {
      if ("received" in data) {
        download.arrived += data.received;
        dispatchEvent(new CustomEvent("digitlab:bytes", { detail: data.received }));
      } else if ("pace" in data) {
        answer?.(data.pace);
      } else {
        if (data.memory) document.body.dataset.snapshot = data.kept ? "kept" : "downloaded";
        inflated = data.kept ? null : data.memory;
        finish(data.memory ? null : new Error(data.error), data.memory);
      }
    };
    worker.onerror = (event) => finish(new Error(event.message || "the worker failed"));
    worker.postMessage({ ...SNAPSHOT, url: SNAPSHOT_URL, kept: KEPT });
  });
}
let stopReading = () => {};
let askWorker = async () => ({});

/** The rule above: "here" (on this device), "downloading" (worth waiting for) or null. The worker is asked (not its earlier messages counted): a busy page hears of bytes late,
 * and the pace is timed from the first byte, not from the request (a busy machine's slow worker start). */
async function worthWaiting() {
  if (navigator.serviceWorker?.controller) return "here";
  let answer = await askWorker();
  // No byte yet (or only the first ones) says nothing of the pace: a worker can start late (WebKit's first
  // in a process). Waiting for PACE_MS of arrivals costs at most FIRST_BYTES_MS; a wrong "too slow" costs a
  // start without the snapshot, 3x slower in WebKit even on a fast link.
  const unknown = ({ local, arrived, ms }) => !local && !download.over && (!arrived || ms < PACE_MS);
  for (let waited = 0; unknown(answer) && waited < FIRST_BYTES_MS; waited += 50) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    answer = await askWorker();
  }
  const { local, arrived, ms } = answer;
  if (download.over || local) return "here";
  const rest = arrived ? (SNAPSHOT.packed - arrived) / (arrived / Math.max(ms, 1)) / 1000 : Infinity;
  return rest <= WORTH_WAITING_S ? "downloading" : null;
}

/** After the page is ready: keep the inflated snapshot this page started from, for the next visit to read
 * instead of inflating it again (one per deployment; another build's is deleted). The page keeps it, not
 * the worker: a worker that closes takes its unfinished writes with it in some browsers (WebKit). */
export async function keepSnapshot() {
  const memory = inflated;
  inflated = null;
  if (!memory) return;
  try {
    const cache = await caches.open(KEPT.cache);
    for (const old of await cache.keys()) await cache.delete(old);
    await cache.put(KEPT.key, new Response(memory));
    document.body.dataset.snapshotKept = "true";
  } catch {
    // no Cache Storage here (an insecure origin, storage turned off, full): the next visit inflates it again
  }
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

/** What PyScript calls: Pyodide from the snapshot when there is a good one here, else started normally,
 * with the Python files written. */
export async function loadPyodide(options) {
  performance.mark("digitlab:load-python");
  startLoading();
  const pyodide = (await fromSnapshot(options)) ?? (await startNormally(options));
  await writePythonFiles(pyodide);
  performance.mark("digitlab:python-started");
  return pyodide;
}

async function fromSnapshot(options) {
  const here = await worthWaiting();
  if (!here) stopReading("too slow to download now: kept for the next visit");
  // Pyodide downloads its own files as soon as it is called: once it has been handed a snapshot that then
  // fails, they are downloaded twice (Firefox and WebKit fetch them again). So a downloaded snapshot is
  // handed over only once it has inflated and checked out; one on this device, checked already, at once
  // (Pyodide makes its module meanwhile).
  if ((download.over || here === "downloading") && !(await reading)) return null;
  try {
    const pyodide = await startFromSnapshot(startPyodide, { ...options, indexURL }, SNAPSHOT.bytes, reading);
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
