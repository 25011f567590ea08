import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

// Azure/custom-script-extension-linux main/exec.go runs a commandToExecute with exec.Command("/bin/bash", "-c", cmd);
// sandbox/vm-agent/vm-process.ts runs it with /bin/bash -c too. The docs must say the same.
describe("docs: the shell the Custom Script extension runs the agent command with", () => {
  for (const file of ["README.md", "provisioner/README.md", "sandbox/vm-agent/README.md", "provisioner/bootstrap/agent-script.ts"]) {
    it(`${file} never says /bin/sh -c`, () => {
      const text = readFileSync(file, "utf8");
      assert.doesNotMatch(text, /\/bin\/sh -c|\bsh -c <command>/);
    });
  }
  it("provisioner/README.md says /bin/bash -c and names the source", () => {
    const text = readFileSync("provisioner/README.md", "utf8");
    assert.match(text, /runs a commandToExecute as `\/bin\/bash -c <command>`/);
    assert.match(text, /custom-script-extension-linux `main\/exec\.go`/);
  });
  it("the sandbox runs VM scripts with /bin/bash -c", () => {
    assert.match(readFileSync("sandbox/vm-agent/vm-process.ts", "utf8"), /"\/bin\/bash",\s*"-c"/);
  });
});
