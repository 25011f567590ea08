// @ts-check
"use strict";
const { spawnSync } = require("node:child_process");

/**
 * One step of a demo: prints its title and the amlvnet command (subscription paths shortened), runs it with `env`,
 * and tells whether it exited as expected.
 * @param {string} title
 * @param {string[]} args the node arguments: the script, then amlvnet's arguments
 * @param {NodeJS.ProcessEnv} env
 * @param {number} [expected]
 */
function step(title, args, env, expected = 0) {
  // The amlvnet CLI is shown as `amlvnet ...`; the demo's own TypeScript steps as the node command they are.
  const command = args[0] === "build/cli/main.js" ? ["amlvnet", ...args.slice(1)] : ["node", ...args];
  console.log(`\n=== ${title}\n$ ${command.join(" ").replace(/\/subscriptions\/[^ ]+\/(\S+)/g, "…/$1")}\n`);
  const status = spawnSync(process.execPath, args, { stdio: "inherit", env }).status;
  if (status !== expected) console.log(`(exit code ${status}, expected ${expected})`);
  return status === expected;
}

module.exports = { step };
