import { readFileSync } from "node:fs";
import { join } from "node:path";
import { UsageError } from "./args";
import { EXIT, EXIT_CODES_HELP } from "./exit-codes";

const HELP = `Usage: amlvnet <command> [options]

Network readiness for Azure Machine Learning behind private networking.

Commands:
  check       judge whether the network around an AML workspace is ready for self-hosted agents, with fixes
  plan        show what apply would create, change or delete for an agent pool config (-f agents.yaml)
  apply       bootstrap a self-hosted agent pool peered into the AML network, then check readiness
  destroy     remove what apply created (--yes)
  status      show the pool, its agents and their VMs
  sandbox     run the local Azure sandbox (Entra ID, ARM, Azure DevOps over HTTPS on 127.0.0.1)

Global options:
  -o, --output FORMAT  the output format of every command (text | json; check also markdown | junit); --format is
                       the same option; --out-file FILE writes the output to FILE
  --debug              print the stack trace of an unexpected error
  --version            print the version
  -h, --help           show this help

Run 'amlvnet <command> --help' for a command's options.
${EXIT_CODES_HELP}
`;

// Each command loads its modules only when it runs: the Azure SDKs take most of a second to load.
/* eslint-disable @typescript-eslint/no-require-imports */
export type Command = (argv: string[]) => Promise<number>;

export const COMMANDS: Record<string, Command> = {
  check: (argv) => (require("./commands/check") as typeof import("./commands/check")).runCheck(argv),
  plan: (argv) => (require("./commands/provision") as typeof import("./commands/provision")).runProvision("plan", argv),
  apply: (argv) => (require("./commands/provision") as typeof import("./commands/provision")).runProvision("apply", argv),
  destroy: (argv) => (require("./commands/provision") as typeof import("./commands/provision")).runProvision("destroy", argv),
  status: (argv) => (require("./commands/provision") as typeof import("./commands/provision")).runProvision("status", argv),
  sandbox: (argv) => (require("./commands/sandbox") as typeof import("./commands/sandbox")).runSandbox(argv),
};
/* eslint-enable @typescript-eslint/no-require-imports */

function version(): string {
  const pkg = JSON.parse(readFileSync(join(__dirname, "..", "..", "package.json"), "utf8")) as { version: string };
  return pkg.version;
}

async function dispatch(argv: string[], commands: Record<string, Command>, out: Output): Promise<number> {
  const [command, ...rest] = argv;
  if (command === "--version" || command === "-V" || command === "version") {
    out.stdout(`amlvnet ${version()}\n`);
    return EXIT.ok;
  }
  // `amlvnet help check` is `amlvnet check --help`, as with git and az.
  if (command === "help" && rest[0] && commands[rest[0]]) return commands[rest[0]](["--help"]);
  if (!command || command === "--help" || command === "-h" || command === "help") {
    // Asked for: stdout, exit 0. Not asked for (no command): a usage error, on stderr.
    (command ? out.stdout : out.stderr)(HELP);
    return command ? EXIT.ok : EXIT.usage;
  }
  const run = commands[command];
  if (!run) throw new UsageError(`unknown command '${command}'; commands are: ${Object.keys(commands).join(", ")} (see 'amlvnet --help')`);
  return run(rest);
}

/** Where the top level writes (process.stdout / process.stderr unless a test passes its own). */
export interface Output {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const PROCESS_OUTPUT: Output = { stdout: (text) => process.stdout.write(text), stderr: (text) => process.stderr.write(text) };

/**
 * The whole program, returning its exit code: --debug (global, anywhere, as with az) is taken out, the command runs,
 * and what it throws becomes the exit-code table's answer: a UsageError one line and 2, anything else an unexpected
 * error (a bug) in one line suggesting --debug and 3, with --debug the stack trace.
 */
export async function runCli(args: string[], commands: Record<string, Command> = COMMANDS, out: Output = PROCESS_OUTPUT): Promise<number> {
  const debug = args.includes("--debug");
  try {
    return await dispatch(
      args.filter((arg) => arg !== "--debug"),
      commands,
      out,
    );
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof UsageError) {
      out.stderr(`amlvnet: ${message}\n`);
      if (debug && error.stack) out.stderr(`${error.stack}\n`);
      return EXIT.usage;
    }
    out.stderr(
      debug && error instanceof Error && error.stack
        ? `amlvnet: unexpected error: ${error.stack}\n`
        : `amlvnet: unexpected error: ${message.split("\n")[0]} (run again with --debug for the stack trace)\n`,
    );
    return EXIT.unexpected;
  }
}
