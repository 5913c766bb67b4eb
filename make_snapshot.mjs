// Boot the pinned Pyodide under Node, import what digitlab/snapshot.py lists, save the memory.
// Usage: node make_snapshot.mjs <pyodide dir> <pysrc dir> <site dir> <out file>    (build.py runs it)
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const [pyodideDir, pysrcDir, siteDir, out] = process.argv.slice(2);
const { loadPyodide } = await import(pathToFileURL(path.join(pyodideDir, "pyodide.mjs")).href);
const pyodide = await loadPyodide({ indexURL: pyodideDir + path.sep, _makeSnapshot: true });

// The page unpacks pysrc into the home folder; the modules restored from the snapshot must have
// the same __file__ as the ones it would import, so they go to the same place here.
function copyPython(from, into) {
  pyodide.FS.mkdirTree(into);
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    if (entry.isDirectory() && entry.name !== "__pycache__") copyPython(source, `${into}/${entry.name}`);
    else if (entry.name.endsWith(".py")) pyodide.FS.writeFile(`${into}/${entry.name}`, fs.readFileSync(source));
  }
}
copyPython(path.join(pysrcDir, "digitlab"), "/home/pyodide/digitlab");
// The files the page starts from (digitlab/boot.py), where PyScript puts them.
const bootFiles = pyodide.runPython("from digitlab.boot import FILES; FILES").toJs();
for (const name of bootFiles) {
  pyodide.FS.mkdirTree(path.posix.dirname(`/home/pyodide/${name}`));
  pyodide.FS.writeFile(`/home/pyodide/${name}`, fs.readFileSync(path.join(siteDir, name)));
}
const names = pyodide.runPython("import digitlab.snapshot; digitlab.snapshot.prepare()").toJs();
fs.writeFileSync(out, pyodide.makeMemorySnapshot());
console.log(`snapshot: ${names.length} modules imported, ${fs.statSync(out).size} bytes`);
