// @ts-check
// Runs `tfx extension create` from the tfx-cli dev dependency (node_modules, never a download) and returns the
// path of the .vsix it wrote.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const { spawnSync } = require("node:child_process");

function tfxBin() {
  const pkgJson = require.resolve("tfx-cli/package.json");
  const bin = require(pkgJson).bin;
  return path.join(path.dirname(pkgJson), typeof bin === "string" ? bin : bin.tfx);
}

/**
 * tfx warns that a task contribution "does not have a task.json file" because it looks on disk at
 * <root>/<properties.name>, the task's folder inside the .vsix (files maps dist/tasks/<name> there). For tasks
 * listed in validatedTasks (bundled and validated with tfx's own validator) that warning is dropped.
 */
function isKnownTaskWarning(line, root, validatedTasks) {
  return validatedTasks.some((name) => line.includes("does not have a task.json file") && line.includes(path.join(root, name)));
}

/**
 * options: { root, outDir, manifest = "vss-extension.json", overridesFile?, validatedTasks? }.
 * Old .vsix files in outDir are removed first so that exactly one is left, the one just built.
 * Returns { vsix, log } where log holds tfx's remaining warnings.
 */
function createVsix(options) {
  const manifest = options.manifest ?? "vss-extension.json";
  fs.mkdirSync(options.outDir, { recursive: true });
  for (const name of fs.readdirSync(options.outDir)) {
    if (name.endsWith(".vsix")) fs.rmSync(path.join(options.outDir, name));
  }
  const args = [
    tfxBin(),
    "extension",
    "create",
    "--root",
    options.root,
    "--manifest-globs",
    manifest,
    "--output-path",
    options.outDir,
    "--no-prompt",
    "--no-color",
    "--json",
  ];
  if (options.overridesFile) args.push("--overrides-file", path.resolve(options.root, options.overridesFile));
  const result = spawnSync(process.execPath, args, {
    cwd: options.root,
    encoding: "utf8",
    maxBuffer: 16 * 1024 * 1024,
  });
  const stdout = result.stdout ?? "";
  const stderr = result.stderr ?? "";
  if (result.status !== 0) {
    throw new Error(`tfx extension create failed (exit ${result.status ?? result.signal}):\n${stderr}${stdout}`.trim());
  }
  // --json: warnings first, then the result object { path, extensionId, version, publisher }.
  const jsonStart = stdout.indexOf("{");
  let created;
  try {
    created = jsonStart >= 0 ? JSON.parse(stdout.slice(jsonStart)) : undefined;
  } catch {
    created = undefined;
  }
  const vsix =
    created?.path ??
    fs
      .readdirSync(options.outDir)
      .filter((n) => n.endsWith(".vsix"))
      .map((n) => path.join(options.outDir, n))[0];
  if (!vsix || !fs.existsSync(vsix)) throw new Error(`tfx extension create wrote no .vsix to ${options.outDir}:\n${stderr}${stdout}`.trim());
  const messages = `${jsonStart >= 0 ? stdout.slice(0, jsonStart) : stdout}\n${stderr}`
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line && !isKnownTaskWarning(line, options.root, options.validatedTasks ?? []));
  return { vsix: path.resolve(vsix), log: messages.join("\n") };
}

module.exports = { createVsix, tfxBin };
