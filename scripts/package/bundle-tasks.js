// @ts-check
// Bundles every pipeline task (tasks/<Folder>/index.ts) into dist/tasks/<Folder>/index.js: one CommonJS file for
// Node 20 with everything inlined, so the task folder in the .vsix needs no node_modules. Beside it go task.json,
// task.loc.json and Strings/ (if the task has them) and icon.png (the task's own, else the extension icon).
//
// azure-pipelines-task-lib >= 5.279 embeds its own messages (lib-resource.js, a plain module esbuild inlines);
// the task's messages are read at run time by tl.setResourcePath(path.join(__dirname, "task.json")), which is
// why task.json sits beside the bundle.
"use strict";
const fs = require("node:fs");
const path = require("node:path");

/** Modules that must stay out of the bundle: ssh2's optional native parts (it falls back to pure JS). */
const EXTERNAL = ["cpu-features", "*.node"];
const COPIED_FILES = ["task.json", "task.loc.json"];
const COPIED_DIRS = ["Strings"];

/** Task folders with an index.ts entry, sorted by name. */
function findTaskEntries(root) {
  const tasksDir = path.join(root, "tasks");
  if (!fs.existsSync(tasksDir)) return [];
  return fs
    .readdirSync(tasksDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && fs.existsSync(path.join(tasksDir, entry.name, "index.ts")))
    .map((entry) => ({ name: entry.name, dir: path.join(tasksDir, entry.name), entry: path.join(tasksDir, entry.name, "index.ts") }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Every execution handler's target must sit beside the bundled task.json, or the agent cannot start the task.
 * (The manifest's shape is checked against Microsoft's schema by test/tasks/task-json.test.ts.)
 */
function validateBundledTaskJson(taskDir) {
  const manifest = JSON.parse(fs.readFileSync(path.join(taskDir, "task.json"), "utf8"));
  const handlers = Object.entries(manifest.execution ?? {});
  if (handlers.length === 0) return [`${taskDir}/task.json: no execution handler`];
  return handlers
    .filter(([, handler]) => !handler.target || !fs.existsSync(path.join(taskDir, handler.target)))
    .map(([name, handler]) => `${taskDir}/task.json: execution.${name}.target '${handler.target}' is not in the bundled folder`);
}

function findNodeModules(dir) {
  const found = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const full = path.join(dir, entry.name);
    if (entry.name === "node_modules") found.push(full);
    else found.push(...findNodeModules(full));
  }
  return found;
}

/**
 * Bundles one task. `nodePaths` lets a task outside the repository (a test fixture) resolve the repository's
 * node_modules. Returns { name, outDir, bytes, warnings }.
 */
async function bundleTask(task, options) {
  const esbuild = require("esbuild");
  const outDir = path.join(options.outRoot, task.name);
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(outDir, { recursive: true });
  /** @type {import("esbuild").BuildOptions} */
  const buildOptions = {
    entryPoints: [task.entry],
    outfile: path.join(outDir, "index.js"),
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    minify: true,
    keepNames: true, // Error subclasses and SDK classes keep their names in messages and stack traces
    sourcemap: false,
    external: EXTERNAL,
    nodePaths: options.nodePaths,
    absWorkingDir: options.root,
    logLevel: "silent",
    legalComments: "eof",
  };
  let result;
  try {
    result = await esbuild.build(buildOptions);
  } catch (error) {
    throw new Error(`tasks/${task.name}: bundling failed: ${error.message}`);
  }
  const warnings = result.warnings.map((w) => `${w.location ? `${w.location.file}:${w.location.line}: ` : ""}${w.text}`);

  for (const file of COPIED_FILES) {
    const source = path.join(task.dir, file);
    if (fs.existsSync(source)) fs.copyFileSync(source, path.join(outDir, file));
  }
  for (const dir of COPIED_DIRS) {
    const source = path.join(task.dir, dir);
    if (fs.existsSync(source)) fs.cpSync(source, path.join(outDir, dir), { recursive: true });
  }
  const ownIcon = path.join(task.dir, "icon.png");
  const icon = fs.existsSync(ownIcon) ? ownIcon : options.defaultIcon;
  if (icon && fs.existsSync(icon)) fs.copyFileSync(icon, path.join(outDir, "icon.png"));

  if (!fs.existsSync(path.join(outDir, "task.json"))) throw new Error(`tasks/${task.name}/task.json is missing`);
  const problems = validateBundledTaskJson(outDir);
  const nested = findNodeModules(outDir);
  if (nested.length > 0) problems.push(`${task.name}: node_modules found in the bundled folder: ${nested.join(", ")}`);
  if (problems.length > 0) throw new Error(problems.join("\n"));

  return { name: task.name, outDir, bytes: fs.statSync(path.join(outDir, "index.js")).size, warnings };
}

/** Bundles every task under root/tasks into outRoot (default root/dist/tasks). */
async function bundleTasks(options) {
  const tasks = findTaskEntries(options.root);
  const results = [];
  for (const task of tasks) results.push(await bundleTask(task, options));
  return results;
}

module.exports = { bundleTasks, bundleTask, findTaskEntries, EXTERNAL };
