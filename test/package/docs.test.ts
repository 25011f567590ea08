import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";

describe("docs say what is there", () => {
  it("LICENSE is the MIT licence package.json and vss-extension.json point to", () => {
    const pkg = JSON.parse(readFileSync("package.json", "utf8")) as { license: string };
    assert.equal(pkg.license, "MIT");
    assert.match(readFileSync("LICENSE", "utf8"), /^MIT License\n\nCopyright \(c\) \d{4} the amlvnet authors\n/);
    assert.match(readFileSync("vss-extension.json", "utf8"), /blob\/main\/LICENSE/);
  });

  it("tasks/README.md and provisioner/README.md describe what exists", () => {
    const tasks = readFileSync("tasks/README.md", "utf8");
    assert.doesNotMatch(tasks, /Nothing is here yet/);
    for (const file of ["task.json", "index.ts", "service-connection.ts"])
      assert.ok(tasks.includes(`\`${file}\``) && existsSync(`tasks/AmlNetworkGateV1/${file}`), `tasks/README.md names ${file}`);
    assert.doesNotMatch(readFileSync("provisioner/README.md", "utf8"), /not yet supported/);
  });

  it("README's layout table names every sandbox folder", () => {
    const readme = readFileSync("README.md", "utf8");
    const row = readme.split("\n").find((line) => line.startsWith("| `sandbox/` |")) ?? "";
    for (const dir of readdirSync("sandbox", { withFileTypes: true }).filter((d) => d.isDirectory()))
      assert.ok(row.includes(`\`${dir.name}/\``), `layout table names sandbox/${dir.name}/`);
  });
});
