/**
 * Command-line arguments of the agent listener, read the way the agent's CommandSettings reads them: `--name value`
 * or a bare `--flag`, names case-insensitive, and every one of them also from `VSTS_AGENT_INPUT_<NAME>`. Those
 * variables are removed from the process environment as soon as they are read (the real agent drops and masks
 * them), so nothing the agent starts inherits the token.
 */

const ENV_PREFIX = "VSTS_AGENT_INPUT_";

/** Arguments that take a value. */
const ARGS = new Set([
  "agent",
  "auth",
  "pool",
  "token",
  "url",
  "work",
  "username",
  "password",
  "startuptype",
  "proxyurl",
  "proxyusername",
  "proxypassword",
  "sslcacert",
  "projectname",
  "deploymentgroupname",
  "environmentname",
  "windowslogonaccount",
  "windowslogonpassword",
]);

/** Arguments that are switches (given as `--name`, or `VSTS_AGENT_INPUT_NAME=true`). */
const FLAGS = new Set([
  "unattended",
  "replace",
  "acceptteeeula",
  "help",
  "version",
  "commit",
  "once",
  "runasservice",
  "disableloguploads",
  "alwaysextracttask",
  "sslskipcertvalidation",
  "deploymentgroup",
  "environment",
]);

/** What an unattended configuration stops with when an answer is missing or wrong. */
export class ConfigurationError extends Error {}

export class CommandSettings {
  readonly command: string | undefined;
  /** Positional words and names the agent does not know, for the "Unrecognized command-line input" error. */
  readonly unrecognized: string[] = [];
  private readonly args = new Map<string, string>();
  private readonly flags = new Set<string>();
  private readonly envArgs = new Map<string, string>();

  constructor(argv: string[], env: NodeJS.ProcessEnv) {
    for (const key of Object.keys(env)) {
      if (!key.toUpperCase().startsWith(ENV_PREFIX)) continue;
      const value = env[key];
      if (value) this.envArgs.set(key.slice(ENV_PREFIX.length).toLowerCase(), value);
      delete env[key];
    }
    let i = 0;
    if (argv.length > 0 && !argv[0].startsWith("--")) {
      this.command = argv[0].toLowerCase();
      i = 1;
    }
    for (; i < argv.length; i++) {
      const token = argv[i];
      if (!token.startsWith("--")) {
        this.unrecognized.push(token);
        continue;
      }
      const name = token.slice(2).toLowerCase();
      const next = argv[i + 1];
      if (next !== undefined && !next.startsWith("--")) {
        this.args.set(name, next);
        i++;
      } else {
        this.flags.add(name);
      }
    }
    for (const name of this.args.keys()) if (!ARGS.has(name)) this.unrecognized.push(name);
    for (const name of this.flags) if (!FLAGS.has(name)) this.unrecognized.push(name);
  }

  flag(name: string): boolean {
    if (this.flags.has(name)) return true;
    return (this.envArgs.get(name) ?? "").trim().toLowerCase() === "true";
  }

  value(name: string): string | undefined {
    const value = this.args.get(name) ?? this.envArgs.get(name);
    return value === undefined || value === "" ? undefined : value;
  }

  /** An answer that has no default: unattended configuration stops without it. */
  required(name: string): string {
    const value = this.value(name);
    if (value === undefined) throw new ConfigurationError(`Invalid configuration provided for ${name}. Terminating unattended configuration.`);
    return value;
  }
}
