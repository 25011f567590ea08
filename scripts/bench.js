#!/usr/bin/env node
// @ts-check
// Benchmarks, one line per metric with its ratio to the target. Each section is a module in bench/ exporting
// { name, run(context) -> Promise<string[]> }; add new ones to SECTIONS.
//
// Usage: node scripts/bench.js [--rebuild] [--only NAME[,NAME]] [--root DIR]
//   --rebuild  package again even if dist/ already holds a .vsix (otherwise it is built only when missing)
//   --root     benchmark another tree laid out like this repository (default: this repository)
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "..");
const { childSection } = require("../bench/child-section");

const SECTIONS = [
  require("../bench/vsix-size"),
  require("../bench/task-startup"),
  childSection("readiness", "readiness.js", 120_000),
  childSection("provisioner", "provisioner.js", 600_000),
];

function parseArgs(argv) {
  const options = { rebuild: false, only: /** @type {string[] | undefined} */ (undefined), root: ROOT };
  for (let i = 0; i < argv.length; i += 1) {
    if (argv[i] === "--rebuild") options.rebuild = true;
    else if (argv[i] === "--only" && argv[i + 1]) options.only = argv[++i].split(",");
    else if (argv[i] === "--root" && argv[i + 1]) options.root = path.resolve(argv[++i]);
    else throw new Error(`unknown option ${argv[i]} (see the header of scripts/bench.js)`);
  }
  return options;
}

function findVsix(root) {
  const dist = path.join(root, "dist");
  if (!fs.existsSync(dist)) return undefined;
  const name = fs.readdirSync(dist).find((n) => n.endsWith(".vsix"));
  return name ? path.join(dist, name) : undefined;
}

function hasTaskSources(root) {
  const tasks = path.join(root, "tasks");
  return fs.existsSync(tasks) && fs.readdirSync(tasks).some((name) => fs.existsSync(path.join(tasks, name, "index.ts")));
}

/** Builds the package once per run when needed; a failed build of existing tasks makes the benchmark fail. */
function makeContext(root, options) {
  let pending;
  const context = {
    root,
    failed: false,
    ensurePackage() {
      pending ??= (async () => {
        const existing = findVsix(root);
        if (existing && !options.rebuild) return { ok: true, vsix: existing };
        if (!hasTaskSources(root)) return { ok: false, reason: "no task under tasks/ yet: nothing to package" };
        console.log(existing ? "rebuilding the package (npm run package)…" : "no .vsix in dist/: building it (npm run package)…");
        try {
          const { packageExtension } = require("./package");
          const { vsix } = await packageExtension({ root, typecheck: true, quiet: true });
          return { ok: true, vsix };
        } catch (error) {
          context.failed = true;
          return { ok: false, reason: `npm run package failed: ${error.message.split("\n").join("; ")}` };
        }
      })();
      return pending;
    },
  };
  return context;
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const unknown = (options.only ?? []).filter((name) => !SECTIONS.some((s) => s.name === name));
  if (unknown.length > 0) throw new Error(`unknown section ${unknown.join(", ")}: one of ${SECTIONS.map((s) => s.name).join(", ")}`);
  const context = makeContext(options.root, options);
  for (const section of SECTIONS) {
    if (options.only && !options.only.includes(section.name)) continue;
    for (const line of await section.run(context)) console.log(line);
  }
  if (context.failed) process.exitCode = 1;
}

main().catch((error) => {
  console.error(error.stack ?? String(error));
  process.exit(1);
});
