import { readFileSync } from "node:fs";

/**
 * The argv of every process a VM's scripts start. With a working strace the run goes under
 * `strace -f -e trace=execve,execveat` (every exec, absolute paths and Node's child processes included); without
 * it, shims in PATH log their argv as JSON lines before running the real command (commands run by absolute path
 * are then missed). Both logs live outside the VM directory, owned by the sandbox.
 */

export interface ExecRecord {
  pid: number;
  argv: string[];
}

export function straceArgs(strace: string, seccomp: boolean, logPath: string): string[] {
  return [
    strace,
    "-f",
    "-A",
    "-qq",
    ...(seccomp ? ["--seccomp-bpf"] : []),
    "-s",
    "65536",
    "-e",
    "trace=execve,execveat",
    "-e",
    "signal=none",
    "-o",
    logPath,
    "--",
  ];
}

/** Reads one C string as strace prints it (starting at the opening quote); returns the value and the index after it. */
function cString(text: string, start: number): { value: string; end: number } {
  const bytes: number[] = [];
  let i = start + 1;
  while (i < text.length && text[i] !== '"') {
    if (text[i] !== "\\") {
      bytes.push(...Buffer.from(text[i], "utf8"));
      i++;
      continue;
    }
    const next = text[i + 1];
    const simple: Record<string, number> = { n: 10, t: 9, r: 13, v: 11, f: 12, '"': 34, "\\": 92 };
    if (next in simple) {
      bytes.push(simple[next]);
      i += 2;
    } else if (next === "x") {
      bytes.push(parseInt(text.slice(i + 2, i + 4), 16));
      i += 4;
    } else {
      const octal = /^[0-7]{1,3}/.exec(text.slice(i + 1))?.[0] ?? "0";
      bytes.push(parseInt(octal, 8));
      i += 1 + octal.length;
    }
  }
  return { value: Buffer.from(bytes).toString("utf8"), end: i + 1 };
}

/** Parses `execve("path", ["a", "b"], ...` from after the opening parenthesis: the argv list. */
function argvOf(call: string): string[] | undefined {
  const open = call.indexOf("[");
  if (open < 0) return undefined;
  const argv: string[] = [];
  let i = open + 1;
  while (i < call.length && call[i] !== "]") {
    if (call[i] === '"') {
      const parsed = cString(call, i);
      argv.push(parsed.value);
      i = parsed.end;
    } else {
      i++;
    }
  }
  return argv;
}

/** Successful execs in an strace -f log (an exec that strace split into unfinished/resumed counts when it succeeded). */
export function parseStraceLog(text: string): ExecRecord[] {
  const records: ExecRecord[] = [];
  const pending = new Map<number, string[]>();
  for (const line of text.split("\n")) {
    const call = /^(\d+)\s+execve(?:at)?\((.*)$/.exec(line);
    if (call) {
      const pid = Number(call[1]);
      const argv = argvOf(call[2]);
      if (!argv) continue;
      if (call[2].endsWith("<unfinished ...>")) pending.set(pid, argv);
      else if (/\)\s*=\s*0$/.test(call[2])) records.push({ pid, argv });
      continue;
    }
    const resumed = /^(\d+)\s+<\.\.\. execve(?:at)? resumed>.*=\s*0$/.exec(line);
    if (resumed && pending.has(Number(resumed[1]))) {
      records.push({ pid: Number(resumed[1]), argv: pending.get(Number(resumed[1])) as string[] });
      pending.delete(Number(resumed[1]));
    }
  }
  return records;
}

export function parseShimLog(text: string): ExecRecord[] {
  const records: ExecRecord[] = [];
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    try {
      const parsed = JSON.parse(line) as ExecRecord;
      if (Array.isArray(parsed.argv)) records.push({ pid: Number(parsed.pid), argv: parsed.argv.map(String) });
    } catch {
      // a line cut short by a killed process: skip it
    }
  }
  return records;
}

export function readExecLog(path: string, format: "strace" | "shim"): ExecRecord[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return [];
  }
  return format === "strace" ? parseStraceLog(text) : parseShimLog(text);
}

/** Bash that appends this process's argv to $AMLVNET_ARGV_LOG as a JSON line (builtins only: no exec to record). */
const LOG_ARGV = `if [ -n "$AMLVNET_ARGV_LOG" ]; then
  __line="{\\"pid\\":$$,\\"argv\\":["; __sep=""
  for __a in "\${0##*/}" "$@"; do
    __a="\${__a//\\\\/\\\\\\\\}"; __a="\${__a//\\"/\\\\\\"}"; __a="\${__a//$'\\n'/\\\\n}"; __a="\${__a//$'\\t'/\\\\t}"; __a="\${__a//$'\\r'/\\\\r}"
    __line+="$__sep\\"$__a\\""; __sep=","
  done
  printf '%s]}\\n' "$__line" >> "$AMLVNET_ARGV_LOG"
fi
`;

/** The PATH shim used when strace is missing: log, then exec the real command found in $AMLVNET_REAL_PATH. */
export const TRACE_SHIM = `#!/bin/bash
${LOG_ARGV}__name="\${0##*/}"
IFS=: read -ra __dirs <<< "$AMLVNET_REAL_PATH"
for __d in "\${__dirs[@]}"; do
  if [ -f "$__d/$__name" ] && [ -x "$__d/$__name" ]; then exec -a "$__name" "$__d/$__name" "$@"; fi
done
echo "$__name: command not found" >&2
exit 127
`;

/**
 * sudo on a sandbox VM. Scripts already run as the unprivileged stand-in user; this applies what sudo changes that
 * scripts can observe: who they are on the VM (AMLVNET_VM_UID/USER, HOME, SUDO_USER) and the environment reset
 * (only -E or --preserve-env keeps variables such as VSTS_AGENT_INPUT_*). Builtins only, so no argv carries values.
 */
export const SUDO_SHIM = `#!/bin/bash
${LOG_ARGV}target=root; keep_env=0; preserve=""; assigns=()
while [ $# -gt 0 ]; do
  case "$1" in
    -u) target="$2"; shift 2 ;;
    -u*) target="\${1#-u}"; shift ;;
    --user=*) target="\${1#--user=}"; shift ;;
    -E|--preserve-env) keep_env=1; shift ;;
    --preserve-env=*) preserve="\${1#--preserve-env=}"; shift ;;
    -H|-n|-S|-i|-s|--set-home|--non-interactive|--stdin|--login|--shell) shift ;;
    --) shift; break ;;
    -*) echo "sudo: the amlvnet sandbox's sudo does not support '$1'" >&2; exit 1 ;;
    *=*) assigns+=("$1"); shift ;;
    *) break ;;
  esac
done
if [ $# -eq 0 ]; then echo "usage: sudo [-u user] [-E] [VAR=value] command [args]" >&2; exit 1; fi
if [ "$target" = root ] || [ "$target" = "#0" ]; then uid=0; home="$AMLVNET_VM_ROOT/root"
elif [ "$target" = "$AMLVNET_VM_ADMIN" ]; then uid=1000; home="$AMLVNET_VM_ROOT/home/$target"
else echo "sudo: unknown user: $target" >&2; exit 1; fi
invoker_uid="\${AMLVNET_VM_UID:-0}"; invoker="\${AMLVNET_VM_USER:-root}"
if [ $keep_env -eq 0 ]; then
  keep=" PATH TERM LANG LC_ALL TMPDIR CURL_CA_BUNDLE SSL_CERT_FILE NODE_EXTRA_CA_CERTS HTTPS_PROXY HTTP_PROXY NO_PROXY https_proxy http_proxy no_proxy \${preserve//,/ } "
  for __v in $(compgen -e); do
    case "$__v" in AMLVNET_*) continue ;; esac
    case "$keep" in *" $__v "*) continue ;; esac
    unset "$__v"
  done
fi
export HOME="$home" USER="$target" LOGNAME="$target" SUDO_USER="$invoker" SUDO_UID="$invoker_uid" AMLVNET_VM_UID="$uid" AMLVNET_VM_USER="$target"
for __a in "\${assigns[@]}"; do export "$__a"; done
exec "$@"
`;
