#!/usr/bin/env node
import { UsageError } from "./args";

const HELP = `Usage: amlvnet <command> [options]

Network readiness for Azure Machine Learning behind private networking.

Commands:
  check       judge whether the network around an AML workspace is ready for self-hosted agents, with fixes
  plan        show what apply would create, change or delete for an agent pool config (-f agents.yaml)
  apply       bootstrap a self-hosted agent pool peered into the AML network, then check readiness
  destroy     remove what apply created (--yes)
  status      show the pool, its agents and their VMs
  sandbox     run the local Azure sandbox (Entra ID, ARM, Azure DevOps over HTTPS on 127.0.0.1)

Run 'amlvnet <command> --help' for a command's options.
`;

// Each command loads its modules only when it runs: the Azure SDKs take most of a second to load.
/* eslint-disable @typescript-eslint/no-require-imports */
const COMMANDS: Record<string, (argv: string[]) => Promise<number>> = {
  check: (argv) => (require("./commands/check") as typeof import("./commands/check")).runCheck(argv),
  plan: (argv) => (require("./commands/provision") as typeof import("./commands/provision")).runProvision("plan", argv),
  apply: (argv) => (require("./commands/provision") as typeof import("./commands/provision")).runProvision("apply", argv),
  destroy: (argv) => (require("./commands/provision") as typeof import("./commands/provision")).runProvision("destroy", argv),
  status: (argv) => (require("./commands/provision") as typeof import("./commands/provision")).runProvision("status", argv),
  sandbox: (argv) => (require("./commands/sandbox") as typeof import("./commands/sandbox")).runSandbox(argv),
};
/* eslint-enable @typescript-eslint/no-require-imports */

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === "--help" || command === "-h" || command === "help") {
    process.stdout.write(HELP);
    return command ? 0 : 2;
  }
  const run = COMMANDS[command];
  if (!run) throw new UsageError(`unknown command '${command}'; commands are: ${Object.keys(COMMANDS).join(", ")} (see 'amlvnet --help')`);
  return run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`amlvnet: ${message}\n`);
    process.exitCode = 2;
  },
);
