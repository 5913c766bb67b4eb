// Boot the pinned Pyodide under Node, import what digitlab/snapshot.py lists, save the memory.
// Usage: node make_snapshot.mjs <pyodide dir> <built site dir> <out file>    (build.py runs it)
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const [pyodideDir, siteDir, out] = process.argv.slice(2);
const { loadPyodide } = await import(pathToFileURL(path.join(pyodideDir, "pyodide.mjs")).href);
const pyodide = await loadPyodide({ indexURL: pyodideDir + path.sep, _makeSnapshot: true });

// The page's own Python and the files it starts from (digitlab/boot.py), unpacked where PyScript puts
// them: the modules restored from the snapshot must have the __file__ of the ones the page would import.
// (Unpacked by Python from a file: pyodide.unpackArchive made this script fail under _makeSnapshot.)
pyodide.FS.writeFile("/tmp/pysrc.tar.gz", fs.readFileSync(path.join(siteDir, "pysrc.tar.gz")));
pyodide.runPython("import tarfile\nwith tarfile.open('/tmp/pysrc.tar.gz') as t: t.extractall('/home/pyodide', filter='data')");
pyodide.FS.unlink("/tmp/pysrc.tar.gz");
const bootFiles = pyodide.runPython("from digitlab.boot import FILES; FILES").toJs();
for (const name of bootFiles) {
  pyodide.FS.mkdirTree(path.posix.dirname(`/home/pyodide/${name}`));
  pyodide.FS.writeFile(`/home/pyodide/${name}`, fs.readFileSync(path.join(siteDir, name)));
}
const names = pyodide.runPython("import digitlab.snapshot; digitlab.snapshot.prepare()").toJs();
fs.writeFileSync(out, pyodide.makeMemorySnapshot());
console.log(`snapshot: ${names.length} modules imported, ${fs.statSync(out).size} bytes`);
