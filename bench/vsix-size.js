// @ts-check
// (a) Size of the .vsix in dist/ against the 3 MB target (MB = 2^20 bytes; the Marketplace rejects > 25 MiB).
"use strict";
const fs = require("node:fs");
const { formatMetric } = require("./report");

const TARGET_MB = 3;
const MB = 1024 * 1024;

module.exports = {
  name: "vsix-size",
  async run(context) {
    const built = await context.ensurePackage();
    if (!built.ok) return [`vsix size: skipped (${built.reason})`];
    const bytes = fs.statSync(built.vsix).size;
    return [formatMetric({ name: "vsix size", value: bytes / MB, unit: "MB", target: TARGET_MB, digits: 2, detail: `(${bytes} bytes)` })];
  },
};
