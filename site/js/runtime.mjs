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
const SNAPSHOT = __DIGITLAB_SNAPSHOT__;
const indexURL = new URL("../vendor/pyodide/", import.meta.url).href;
let reading = null;

/** Start fetching and inflating the snapshot; main.js calls this as early as it can. */
export function startSnapshot() {
  reading ??= readSnapshot().catch((error) => {
    console.info(`digitlab: starting Python without the snapshot (${error.message})`);
    return null;
  });
  return reading;
}

async function readSnapshot() {
  if (!SNAPSHOT) throw new Error("this build has none");
  if (typeof DecompressionStream !== "function") throw new Error("this browser cannot inflate it");
  const response = await fetch(new URL(`../${SNAPSHOT.file}`, import.meta.url));
  if (!response.ok) throw new Error(`${SNAPSHOT.file}: HTTP ${response.status}`);
  // Inflate while the bytes arrive, keeping the last eight (the gzip trailer) to compare.
  let tail = new Uint8Array(0);
  const keepTail = new TransformStream({
    transform(chunk, controller) {
      const last = chunk.subarray(-8);
      const joined = new Uint8Array(tail.length + last.length);
      joined.set(tail);
      joined.set(last, tail.length);
      tail = joined.slice(-8);
      controller.enqueue(chunk);
    },
  });
  const inflating = response.body.pipeThrough(keepTail).pipeThrough(new DecompressionStream("gzip"));
  const memory = new Uint8Array(
    await new Response(inflating).arrayBuffer().catch(() => {
      throw new Error(`${SNAPSHOT.file} is damaged: it does not inflate`);
    }),
  );
  const trailer = new DataView(tail.buffer);
  if (tail.length < 8 || trailer.getUint32(0, true) !== SNAPSHOT.crc32 || memory.length !== SNAPSHOT.bytes) {
    throw new Error(`${SNAPSHOT.file} is not the one this build made`);
  }
  return memory;
}

/** What PyScript calls: Pyodide from the snapshot when there is a good one, else started normally. */
export async function loadPyodide(options) {
  const memory = await startSnapshot();
  if (memory) {
    try {
      const pyodide = await startPyodide({ ...options, indexURL, _loadSnapshot: memory });
      document.body.dataset.boot = "snapshot";
      return pyodide;
    } catch (error) {
      // Another runtime's snapshot (Pyodide checks its build id) or one it cannot restore.
      console.info(`digitlab: the snapshot was refused (${error.message}); starting Python normally`);
    }
  }
  const pyodide = await startPyodide({ ...options, indexURL });
  document.body.dataset.boot = "fresh";
  return pyodide;
}
