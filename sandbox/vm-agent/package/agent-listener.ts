import { resolve } from "node:path";
import { AGENT_VERSION } from "./agent-version";
import { CommandSettings } from "./listener-args";
import { configure, Terminal, unconfigure } from "./listener-config";
import { run, service } from "./listener-service";

/**
 * bin/Agent.Listener of the sandbox's agent package (the real one is a .NET program; this one runs on the
 * machine's Node.js): configure, remove, run, and `service start|stop|status` for the generated svc.sh.
 * Exit codes as the agent's: 0 success, 1 terminated with an error (the message on stderr).
 */

const term: Terminal = {
  line: (text = "") => process.stdout.write(`${text}\n`),
  error: (text) => process.stderr.write(`${text}\n`),
};

async function main(argv: string[]): Promise<number> {
  const root = resolve(__dirname, "..");
  const settings = new CommandSettings(argv, process.env);
  if (settings.flag("version")) {
    term.line(AGENT_VERSION);
    return 0;
  }
  const known = ["configure", "remove", "run", "service"];
  const unrecognized = settings.command === "service" ? settings.unrecognized.slice(1) : settings.unrecognized;
  if (unrecognized.length > 0 || (settings.command !== undefined && !known.includes(settings.command))) {
    const items = settings.command !== undefined && !known.includes(settings.command) ? [settings.command, ...unrecognized] : unrecognized;
    term.error(`Unrecognized command-line input arguments: '${items.join(", ")}'. For usage refer to: .\\config.cmd --help or ./config.sh --help`);
    return 1;
  }
  try {
    switch (settings.command) {
      case "configure":
        await configure(settings, root, term);
        break;
      case "remove":
        await unconfigure(settings, root, term);
        break;
      case "service":
        await service(settings.unrecognized[0], root, term);
        break;
      default:
        await run(root, term);
    }
    return 0;
  } catch (error) {
    term.error(error instanceof Error ? error.message : String(error));
    return 1;
  }
}

void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
