#!/usr/bin/env node
import { runCli } from "./run-cli";

void runCli(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
  // Exit as soon as the output is flushed: a timer an SDK leaves behind (a 15 s request timeout still armed after a
  // TLS failure) would otherwise hold the prompt long after the answer was printed.
  process.stdout.write("", () => process.stderr.write("", () => process.exit(code)));
});
