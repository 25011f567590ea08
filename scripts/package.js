#!/usr/bin/env node
// @ts-check
// Builds the Marketplace extension:
//   1. version check (package.json, vss-extension.json and every task.json agree: scripts/version-check.js);
//   2. type-check (tsc --noEmit; the bundler below strips types without checking them);
//   3. each tasks/<Folder>/index.ts bundled with esbuild into dist/tasks/<Folder>/ (scripts/package/bundle-tasks.js);
//   4. tfx extension create writes the .vsix to dist/ (scripts/package/create-vsix.js).
//
// Usage: node scripts/package.js [--overrides-file overrides/dev.json | --dev | --release] [--root DIR]
//                                [--skip-typecheck] [--quiet]
// --root packages another tree (tests use a temporary one); its imports resolve through this repository's
// node_modules too.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const { spawnSync } = require("node:child_process");
const { checkVersions } = require("./version-check");
const { bundleTasks } = require("./package/bundle-tasks");
const { createVsix } = require("./package/create-vsix");

const REPO = path.resolve(__dirname, "..");
const MANIFEST_TASK_CONTRIBUTION = "ms.vss-distributed-task.task";

class PackagingError extends Error {
  constructor(message) {
    super(message);
    this.name = "PackagingError";
  }
}

function parseArgs(argv) {
  const options = { root: REPO, overridesFile: /** @type {string | undefined} */ (undefined), typecheck: true, quiet: false };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    const value = () => {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith("--")) throw new PackagingError(`${arg} needs a value`);
      i += 1;
      return next;
    };
    if (arg === "--root") options.root = path.resolve(value());
    else if (arg === "--overrides-file") options.overridesFile = value();
    else if (arg === "--dev") options.overridesFile = "overrides/dev.json";
    else if (arg === "--release") options.overridesFile = "overrides/release.json";
    else if (arg === "--skip-typecheck") options.typecheck = false;
    else if (arg === "--quiet") options.quiet = true;
    else throw new PackagingError(`unknown option ${arg} (see the header of scripts/package.js)`);
  }
  return options;
}

function typecheck(root) {
  const tsconfig = path.join(root, "tsconfig.json");
  if (!fs.existsSync(tsconfig)) return "no tsconfig.json: type-check skipped";
  const tsc = require.resolve("typescript/bin/tsc");
  const result = spawnSync(process.execPath, [tsc, "--noEmit", "-p", tsconfig], { cwd: root, encoding: "utf8" });
  if (result.status !== 0) throw new PackagingError(`type-check failed:\n${result.stdout}${result.stderr}`.trim());
  return "type-check passed";
}

/** Every bundled task must be contributed by the manifest, and every contributed task must have been bundled. */
function checkManifestTasks(root, bundled) {
  const manifest = JSON.parse(fs.readFileSync(path.join(root, "vss-extension.json"), "utf8"));
  const contributed = (manifest.contributions ?? []).filter((c) => c.type === MANIFEST_TASK_CONTRIBUTION).map((c) => c.properties?.name);
  const names = bundled.map((b) => b.name);
  const problems = [];
  for (const name of names) {
    if (!contributed.includes(name)) problems.push(`vss-extension.json: no ${MANIFEST_TASK_CONTRIBUTION} contribution for tasks/${name}`);
    const mapped = (manifest.files ?? []).some((f) => path.normalize(f.path) === path.normalize(`dist/tasks/${name}`));
    if (!mapped) problems.push(`vss-extension.json: files has no entry for dist/tasks/${name}`);
  }
  for (const name of contributed) {
    if (!names.includes(name)) problems.push(`vss-extension.json: contributes task ${name} but tasks/${name}/index.ts does not exist`);
  }
  if (problems.length > 0) throw new PackagingError(problems.join("\n"));
}

async function packageExtension(options) {
  const log = options.quiet ? () => {} : (line) => console.log(line);
  const root = options.root;
  const outDir = path.join(root, "dist");

  const mismatches = checkVersions(root);
  if (mismatches.length > 0) throw new PackagingError(`versions disagree:\n${mismatches.join("\n")}`);
  log("version check passed");

  if (options.typecheck) log(typecheck(root));

  fs.rmSync(path.join(outDir, "tasks"), { recursive: true, force: true });
  const bundled = await bundleTasks({
    root,
    outRoot: path.join(outDir, "tasks"),
    nodePaths: [path.join(REPO, "node_modules")],
    defaultIcon: path.join(root, "images", "extension-icon.png"),
  });
  for (const task of bundled) {
    log(`bundled ${path.relative(root, task.outDir)}/index.js (${task.bytes} bytes)`);
    for (const warning of task.warnings) log(`  esbuild: ${warning}`);
  }
  checkManifestTasks(root, bundled);

  const { vsix, log: tfxLog } = createVsix({
    root,
    outDir,
    overridesFile: options.overridesFile,
    validatedTasks: bundled.map((task) => task.name),
  });
  if (tfxLog) log(`tfx: ${tfxLog.replace(/\n/g, "\ntfx: ")}`);
  const bytes = fs.statSync(vsix).size;
  const shown = path.relative(process.cwd(), vsix);
  log(`wrote ${shown.startsWith("..") ? vsix : shown} (${bytes} bytes, ${(bytes / 1024 / 1024).toFixed(2)} MB)`);
  return { vsix, bytes, tasks: bundled };
}

module.exports = { packageExtension, parseArgs };

if (require.main === module) {
  Promise.resolve()
    .then(() => packageExtension(parseArgs(process.argv.slice(2))))
    .catch((error) => {
      console.error(error instanceof Error ? error.message : String(error));
      process.exit(1);
    });
}
