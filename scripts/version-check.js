#!/usr/bin/env node
// @ts-check
// Checks that the versions the extension ships agree:
//   - package.json `version` is the source of truth (semver MAJOR.MINOR.PATCH);
//   - vss-extension.json `version` equals it;
//   - every tasks/<Name>V<n>/task.json has version.Major = n (the folder's major: a new major is a new folder),
//     and version.Minor / version.Patch equal package.json's minor and patch.
// Prints one line per mismatch naming the file and the field, and exits 1 when there is any.
// Usage: node scripts/version-check.js [--root DIR]
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const SEMVER = /^(\d+)\.(\d+)\.(\d+)$/;

function readJson(file, problems, rel) {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8").replace(/^\uFEFF/, ""));
  } catch (error) {
    problems.push(`${rel}: cannot be read as JSON (${error.message})`);
    return undefined;
  }
}

/** Task folders under tasks/ that hold a task.json, with the major version their name ends in (or undefined). */
function listTaskFolders(root) {
  const tasksDir = path.join(root, "tasks");
  if (!fs.existsSync(tasksDir)) return [];
  return fs
    .readdirSync(tasksDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && fs.existsSync(path.join(tasksDir, entry.name, "task.json")))
    .map((entry) => {
      const match = /V(\d+)$/.exec(entry.name);
      return { name: entry.name, major: match ? Number(match[1]) : undefined };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

function checkTask(root, task, expected, problems) {
  const rel = `tasks/${task.name}/task.json`;
  const json = readJson(path.join(root, rel), problems, rel);
  if (!json) return;
  if (task.major === undefined) {
    problems.push(`tasks/${task.name}: folder name must end in V<major> (for example ${task.name}V1)`);
  }
  const version = json.version;
  if (typeof version !== "object" || version === null) {
    problems.push(`${rel}: version is missing (expected {"Major": ${task.major ?? "?"}, "Minor": ${expected.minor}, "Patch": ${expected.patch}})`);
    return;
  }
  const want = { Major: task.major, Minor: expected.minor, Patch: expected.patch };
  const why = {
    Major: `folder ${task.name}`,
    Minor: `package.json version ${expected.text}`,
    Patch: `package.json version ${expected.text}`,
  };
  for (const field of ["Major", "Minor", "Patch"]) {
    if (want[field] === undefined) continue;
    const actual = version[field];
    if (Number(actual) !== want[field] || actual === "" || actual === null) {
      problems.push(`${rel}: version.${field} is ${JSON.stringify(actual)}, expected ${want[field]} (from ${why[field]})`);
    }
  }
}

/** Returns the list of mismatches (empty when every version agrees). */
function checkVersions(root) {
  const problems = [];
  const pkg = readJson(path.join(root, "package.json"), problems, "package.json");
  if (!pkg) return problems;
  const match = SEMVER.exec(String(pkg.version ?? ""));
  if (!match) {
    problems.push(`package.json: version is ${JSON.stringify(pkg.version)}, expected MAJOR.MINOR.PATCH`);
    return problems;
  }
  const expected = { text: pkg.version, major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3]) };

  const manifest = readJson(path.join(root, "vss-extension.json"), problems, "vss-extension.json");
  if (manifest && manifest.version !== pkg.version) {
    problems.push(`vss-extension.json: version is ${JSON.stringify(manifest.version)}, expected "${pkg.version}" (from package.json)`);
  }
  for (const task of listTaskFolders(root)) checkTask(root, task, expected, problems);
  return problems;
}

module.exports = { checkVersions, listTaskFolders };

if (require.main === module) {
  const args = process.argv.slice(2);
  const rootIndex = args.indexOf("--root");
  const root = path.resolve(rootIndex >= 0 ? args[rootIndex + 1] : path.join(__dirname, ".."));
  const problems = checkVersions(root);
  for (const line of problems) console.error(line);
  if (problems.length > 0) process.exit(1);
  console.log(`versions agree: ${require(path.join(root, "package.json")).version}`);
}
