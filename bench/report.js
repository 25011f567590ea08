// @ts-check
// One line per metric: "<name>: <value> <unit> (target <= <target> <unit>, <ratio>× of target) <ok|OVER>".
// A ratio below 1 is within the target.
"use strict";

function formatMetric({ name, value, unit, target, digits = 3, detail }) {
  const ratio = value / target;
  const shown = (n) => (Number.isInteger(n) ? String(n) : n.toFixed(digits));
  const verdict = ratio <= 1 ? "ok" : "OVER";
  return `${name}: ${shown(value)} ${unit}${detail ? ` ${detail}` : ""} (target <= ${shown(target)} ${unit}, ${ratio.toFixed(2)}× of target) ${verdict}`;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

module.exports = { formatMetric, median };
