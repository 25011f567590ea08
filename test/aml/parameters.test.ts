import assert from "node:assert/strict";
import { AmlInputError, parseParameters } from "../../aml";

describe("aml: parseParameters (the task's parameters input)", () => {
  it("reads a YAML map of scalars, keeping numbers and booleans", () => {
    assert.deepEqual(parseParameters("learning_rate: 0.01\nepochs: 10\nname: nightly\nshuffle: true\nnote: ~\n"), {
      learning_rate: 0.01,
      epochs: 10,
      name: "nightly",
      shuffle: true,
      note: null,
    });
  });

  it("reads a JSON object the same way", () => {
    assert.deepEqual(parseParameters('{"learning_rate": 0.01, "epochs": "10"}'), { learning_rate: 0.01, epochs: "10" });
  });

  it("treats blank text as no parameters", () => {
    assert.deepEqual(parseParameters("  \n"), {});
    assert.deepEqual(parseParameters("# nothing yet\n"), {});
  });

  const refusals: Array<[string, string, RegExp]> = [
    ["a list", "- a\n- b\n", /^parameters must be a YAML or JSON map of name: value, not a list$/],
    ["a bare word", "nightly", /^parameters must be a YAML or JSON map of name: value, not the string 'nightly'$/],
    ["a nested map", "optimizer:\n  name: adam\n", /^parameters: 'optimizer' must be a string, number or boolean, not a map$/],
    ["a nested list", '{"layers": [1, 2]}', /^parameters: 'layers' must be a string, number or boolean, not a list$/],
    ["a duplicate key", "a: 1\na: 2\n", /^parameters line 2: Map keys must be unique/],
    ["broken JSON", '{"a": 1,,}', /^parameters line 1: /],
    ["a tab-indented YAML", "a:\n\tb: 1\n", /^parameters line 2: /],
  ];
  for (const [what, text, message] of refusals) {
    it(`refuses ${what} with one line`, () => {
      assert.throws(
        () => parseParameters(text),
        (e: unknown) => {
          assert.ok(e instanceof AmlInputError);
          assert.match(e.message, message);
          assert.ok(!e.message.includes("\n"), `one line: ${JSON.stringify(e.message)}`);
          return true;
        },
      );
    });
  }
});
