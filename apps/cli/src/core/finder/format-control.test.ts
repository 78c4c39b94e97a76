import assert from "node:assert/strict";
import { test } from "node:test";
import { allowedFormats } from "./package-finder.ts";
import { applyFormatControl, InvalidFormatControl, type FormatControl } from "@wheelhouse/packaging";

const EMPTY: FormatControl = { noBinary: [], onlyBinary: [] };

/** [steps as [which, value], expected] — pip's FormatControl.handle_mutual_excludes. */
const cases: Array<[string, Array<["noBinary" | "onlyBinary", string]>, FormatControl]> = [
  ["names are normalized", [["noBinary", "Foo_Bar,baz"]], { noBinary: ["foo-bar", "baz"], onlyBinary: [] }],
  [
    "a name moves from one list to the other",
    [
      ["noBinary", "foo"],
      ["onlyBinary", "foo"],
    ],
    { noBinary: [], onlyBinary: ["foo"] },
  ],
  [
    ":all: clears both lists",
    [
      ["noBinary", "foo"],
      ["onlyBinary", "bar"],
      ["noBinary", ":all:"],
    ],
    { noBinary: [":all:"], onlyBinary: [] },
  ],
  [":all: then names: the names are covered", [["onlyBinary", ":all:,foo"]], { noBinary: [], onlyBinary: [":all:"] }],
  [
    ":none: clears its own list",
    [
      ["noBinary", "a,b"],
      ["noBinary", ":none:"],
    ],
    { noBinary: [], onlyBinary: [] },
  ],
  [":all:,:none:,name", [["noBinary", ":all:,:none:,foo"]], { noBinary: ["foo"], onlyBinary: [] }],
];
for (const [what, steps, expected] of cases) {
  test(`format control: ${what}`, () => {
    let state = EMPTY;
    for (const [which, value] of steps) state = applyFormatControl(state, which, value);
    assert.deepEqual(state, expected);
  });
}

test("a value that looks like an option is refused", () => {
  assert.throws(() => applyFormatControl(EMPTY, "noBinary", "--pre"), InvalidFormatControl);
});

test("allowedFormats: a name beats :all:", () => {
  const control = { noBinary: [":all:"], onlyBinary: ["numpy"] };
  assert.deepEqual([...allowedFormats(control, "NumPy")], ["binary"]);
  assert.deepEqual([...allowedFormats(control, "other")], ["source"]);
  assert.deepEqual([...allowedFormats(EMPTY, "x")].sort(), ["binary", "source"]);
});
