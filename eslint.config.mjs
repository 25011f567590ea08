// @ts-check
// `npm run lint` (and so `npm test`): typescript-eslint's type-checked recommendations plus the project's import
// boundaries: product code never imports the sandbox; the sandbox imports product code only from network/.
// Tests may import anything.
import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

/** The no-unsafe-* family: what reading an `any` value trips. */
const UNSAFE_ANY_OFF = Object.fromEntries(
  ["no-unsafe-member-access", "no-unsafe-assignment", "no-unsafe-argument", "no-unsafe-call", "no-unsafe-return"].map((rule) => [
    `@typescript-eslint/${rule}`,
    "off",
  ]),
);

const PRODUCT = ["cli", "readiness", "azure", "network", "aml", "tasks", "provisioner"];

/**
 * A relative import is judged by where it lands, so each folder depth gets its own pattern: from `sandbox/arm/x.ts`
 * the product's aml/ is `../../aml`, while `../aml` is the sandbox's own sandbox/aml.
 */
function forbidAtDepth(root, targets, message) {
  return [1, 2, 3, 4, 5].map((depth) => ({
    files: [`${root}/${"*/".repeat(depth - 1)}*.ts`],
    rules: {
      "no-restricted-imports": ["error", { patterns: [{ regex: `^(\\.\\./){${depth}}(${targets.join("|")})(/|$)`, message }] }],
    },
  }));
}

export default tseslint.config(
  { ignores: ["build/**", "dist/**", "node_modules/**"] },
  { linterOptions: { reportUnusedDisableDirectives: "error" } },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { project: ["./tsconfig.test.json"], tsconfigRootDir: import.meta.dirname } },
    rules: {
      // A function that fulfils a Promise-returning contract (a provisioner step's read/apply, a handler) is async
      // without awaiting; the rule would push those into `Promise.resolve(...)` noise.
      "@typescript-eslint/require-await": "off",
      // Every finding was `String(value)` on a value narrowed from `unknown` (user YAML, wire JSON) to echo it in a
      // message; an object there is itself the bad input the message reports.
      "@typescript-eslint/no-base-to-string": "off",
      // `_`-prefixed names are the project's way to drop a field from a rest spread or to name an unused parameter.
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_", ignoreRestSiblings: true },
      ],
    },
  },

  // Import boundaries. Product folders never import the sandbox...
  ...PRODUCT.flatMap((folder) => forbidAtDepth(folder, ["sandbox"], "product code never imports sandbox/")),
  // ...except the command that starts it: `amlvnet sandbox` ships the sandbox in the CLI by design.
  { files: ["cli/commands/sandbox.ts", "cli/commands/sandbox-ready.ts"], rules: { "no-restricted-imports": "off" } },
  // ...and the sandbox imports product code only from network/ (an address or a zone name, not a verdict).
  ...forbidAtDepth(
    "sandbox",
    PRODUCT.filter((f) => f !== "network"),
    "sandbox/ imports product code only from network/ (it must not share the checks' logic)",
  ),

  // Tests assert on raw wire JSON (JSON.parse, fetch bodies, the SDKs' `any` extension points): member access on
  // those values is the point of the assertion, so the no-unsafe-* family stays off there; explicit `any` stays on.
  {
    files: ["test/**/*.ts"],
    rules: UNSAFE_ANY_OFF,
  },

  // Plain CommonJS scripts (scripts/, bench/): Node globals and require().
  {
    files: ["**/*.js"],
    languageOptions: { sourceType: "commonjs", globals: { ...globals.node } },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
  { files: ["**/*.mjs"], languageOptions: { globals: { ...globals.node } } },
  { files: ["**/*.js", "**/*.mjs"], ...tseslint.configs.disableTypeChecked },
);
