// The one file that relies on what the runtime does not promise: Pyodide 314's memory-snapshot options
// (_makeSnapshot, _loadSnapshot), its Emscripten module factory (the createPyodideModule option, HEAP8,
// growMemory), the snapshot's header; and where PyScript 0.7 keeps the Python source of its own package.
// A runtime upgrade is checked here: with any Pyodide but the one this was written for, the page does not
// use a snapshot (Python starts normally), and build.py (make_snapshot.mjs) refuses to make one.
// Imported by runtime.mjs in the page and by make_snapshot.mjs under Node: nothing here touches a page.

export const WRITTEN_FOR = { pyodide: "314.0.7", pyscript: "0.7.31" };

/** Whether this file's use of Pyodide's private snapshot API holds for `version`. */
export const snapshotsWork = (version) => version === WRITTEN_FOR.pyodide;

/** Pyodide started from `snapshot` (a promise of the checked memory, or of null when there is none).
 * Pyodide awaits the snapshot before it makes its module, which would leave loading its WebAssembly until
 * the snapshot is here: it is handed an empty array of the right size at once (`vessel`), and the module is
 * returned only once the snapshot has been copied into it. Pyodide copies the snapshot into the module's
 * memory as instantiated without growing it first, and the snapshot may hold more: grow it first. */
export async function startFromSnapshot(loadPyodide, options, bytes, snapshot) {
  const vessel = new Uint8Array(bytes);
  const createPyodideModule = async (settings) => {
    const { default: create } = await import(new URL("pyodide.asm.mjs", options.indexURL).href);
    const [module, memory] = await Promise.all([create(settings), snapshot]);
    if (!memory) throw new Error("no snapshot");
    vessel.set(memory);
    const heapStart = new DataView(memory.buffer, memory.byteOffset, 8).getUint32(4, true); // header: magic, heap offset
    if (module.HEAP8.length < memory.length - heapStart) module.growMemory(memory.length - heapStart);
    return module;
  };
  return loadPyodide({ ...options, _loadSnapshot: vessel, createPyodideModule });
}

/** Under Node: a Pyodide whose memory can be saved (makeMemory), checked against the pinned versions. */
export async function startForSnapshot(loadPyodide, version, options, pyscriptVersion) {
  const found = { pyodide: version, pyscript: pyscriptVersion };
  for (const [name, wanted] of Object.entries(WRITTEN_FOR)) {
    if (found[name] !== wanted) {
      throw new Error(`${name} ${found[name]} is not ${wanted}: check site/js/pyodide-private.mjs against it first`);
    }
  }
  return loadPyodide({ ...options, _makeSnapshot: true });
}

export const makeMemory = (pyodide) => pyodide.makeMemorySnapshot();

/** PyScript's own Python package, as its npm package (at the folder URL `core`) keeps it: {name: source or
 * subtree}. */
export async function pyscriptPackage(core) {
  return (await import(new URL("src/stdlib/pyscript.js", core).href)).default;
}
