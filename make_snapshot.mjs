// Boot the pinned Pyodide under Node, import what digitlab/snapshot.py lists, save the memory; and
// compile the bytecode the page ships for PyScript's package (snapshot.compile_packages).
// Usage: node make_snapshot.mjs <pyodide dir> <@pyscript/core dir> <built site dir>
//                               <snapshot out file> <bytecode out dir>        (build.py runs it)
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { pathToFileURL } from "node:url";

const [pyodideDir, pyscriptCore, siteDir, out, bytecodeDir] = process.argv.slice(2);
const { loadPyodide, version } = await import(pathToFileURL(path.join(pyodideDir, "pyodide.mjs")).href);
// What the runtime does not promise is used in one file, which checks the versions it was written for.
const fence = await import(pathToFileURL(path.join(siteDir, "js", "pyodide-private.mjs")).href);
const pyscriptVersion = JSON.parse(fs.readFileSync(path.join(pyscriptCore, "package.json"), "utf8")).version;
const pyodide = await fence.startForSnapshot(loadPyodide, version, { indexURL: pyodideDir + path.sep }, pyscriptVersion);
const home = "/home/pyodide";
const write = (name, contents) => {
  pyodide.FS.mkdirTree(path.posix.dirname(`${home}/${name}`));
  pyodide.FS.writeFile(`${home}/${name}`, contents);
};

// The page's own Python and the files it starts from (digitlab/boot.py), unpacked where runtime.mjs puts
// them: the modules restored from the snapshot must have the __file__ of the ones the page would import.
// Unpacked here rather than by Python's tarfile, which would stay imported in the snapshot (316 KB more
// gzip for every first visit); pyodide.unpackArchive made this script fail in snapshot mode. The
// archive holds regular files only (build.py tar_gz), as runtime.mjs's reader also expects.
const tar = zlib.gunzipSync(fs.readFileSync(path.join(siteDir, "pysrc.tar.gz")));
for (let at = 0; at + 512 <= tar.length && tar[at]; ) {
  const field = (start, length) => tar.subarray(at + start, at + start + length).toString().replace(/\0[^]*$/, "");
  const size = parseInt(field(124, 12), 8);
  const prefix = field(345, 155);
  write(prefix ? `${prefix}/${field(0, 100)}` : field(0, 100), tar.subarray(at + 512, at + 512 + size));
  at += 512 + Math.ceil(size / 512) * 512;
}
const bootFiles = pyodide.runPython("from digitlab.boot import FILES; FILES").toJs();
for (const name of bootFiles) write(name, fs.readFileSync(path.join(siteDir, name)));

// PyScript's package, as PyScript writes it at every start: the very sources its bundle carries.
const pyscriptSources = await fence.pyscriptPackage(pathToFileURL(pyscriptCore + path.sep).href);
const writeTree = (folder, tree) => {
  for (const [name, value] of Object.entries(tree)) {
    if (typeof value === "string") write(`${folder}${name}`, value);
    else writeTree(`${folder}${name}/`, value);
  }
};
writeTree("", pyscriptSources);
const compiled = pyodide.runPython("import digitlab.snapshot as s; s.compile_packages('pyscript')").toJs();
for (const name of compiled) {
  fs.mkdirSync(path.join(bytecodeDir, path.dirname(name)), { recursive: true });
  fs.writeFileSync(path.join(bytecodeDir, name), pyodide.FS.readFile(`${home}/${name}`));
}

const names = pyodide.runPython("import digitlab.snapshot; digitlab.snapshot.prepare()").toJs();
fs.writeFileSync(out, fence.makeMemory(pyodide));
console.log(`snapshot: ${names.length} modules imported, ${fs.statSync(out).size} bytes; ${compiled.length} .pyc`);
