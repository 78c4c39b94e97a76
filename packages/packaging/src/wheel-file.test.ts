import assert from "node:assert/strict";
import { test } from "node:test";
import { InvalidWheelFile, parseWheelFile, type WheelFileProblem } from "./wheel-file.ts";

test("WHEEL headers: version, generator, purelib, every tag, build", () => {
  const wheel = parseWheelFile(
    "Wheel-Version: 1.0\nGenerator: bdist_wheel (0.41.2)\nRoot-Is-Purelib: false\n" +
      "Tag: cp312-cp312-manylinux_2_17_x86_64\nTag: cp312-cp312-manylinux2014_x86_64\nBuild: 1\n",
  );
  assert.deepEqual(wheel, {
    wheelVersion: "1.0",
    version: [1, 0],
    generator: "bdist_wheel (0.41.2)",
    rootIsPurelib: false,
    tags: ["cp312-cp312-manylinux_2_17_x86_64", "cp312-cp312-manylinux2014_x86_64"],
    build: "1",
  });
});

test("WHEEL headers as pip's email parser reads them: any case, CRLF, first value wins, end at a blank line", () => {
  const wheel = parseWheelFile("wheel-version:1.0\r\nROOT-IS-PURELIB: True\r\nRoot-Is-Purelib: false\r\n\r\nTag: py3-none-any\r\n");
  assert.equal(wheel.wheelVersion, "1.0");
  assert.equal(wheel.rootIsPurelib, true);
  assert.deepEqual(wheel.tags, []);
  assert.equal(parseWheelFile("Wheel-Version: 1.0\n").rootIsPurelib, false);
  assert.equal(parseWheelFile("Wheel-Version: 1.0\nGenerator: a\n  b\n").generator, "a b");
});

const cases: [text: string, strict: boolean, problem: WheelFileProblem | null][] = [
  ["Generator: x\n", false, "missing-version"],
  ["Generator: x\n", true, "missing-version"],
  ["Generator: x\n\nWheel-Version: 1.0\n", false, "missing-version"],
  ["Wheel-Version: one\n", false, "invalid-version"],
  ["Wheel-Version: one\n", true, "invalid-version"],
  ["Wheel-Version: 1\n", false, null],
  ["Wheel-Version: 1\n", true, "invalid-version"],
  ["Wheel-Version: 1.0.1\n", false, null],
  ["Wheel-Version: 1.0.1\n", true, "invalid-version"],
  ["Wheel-Version: 1.9\n", true, null],
  ["Wheel-Version: 2.0\n", false, "unsupported-version"],
  ["Wheel-Version: 2.0\n", true, "unsupported-version"],
  // pip installs 0.x (no newer major); PyPI takes 1.x only.
  ["Wheel-Version: 0.9\n", false, null],
  ["Wheel-Version: 0.9\n", true, "unsupported-version"],
];
for (const [text, strict, problem] of cases) {
  test(`Wheel-Version ${JSON.stringify(text)}${strict ? " (strict)" : ""}: ${problem ?? "accepted"}`, () => {
    if (problem === null) {
      assert.doesNotThrow(() => parseWheelFile(text, { strict }));
      return;
    }
    assert.throws(
      () => parseWheelFile(text, { strict }),
      (err: unknown) => err instanceof InvalidWheelFile && err.problem === problem,
    );
  });
}

test("InvalidWheelFile carries the value as written", () => {
  assert.throws(() => parseWheelFile("Wheel-Version:  2.0 \n"), {
    problem: "unsupported-version",
    value: "2.0",
    message: "Wheel-Version 2.0 is not supported",
  });
  assert.throws(() => parseWheelFile("Wheel-Version: one\n"), { value: "one", message: 'WHEEL has an invalid Wheel-Version "one"' });
  assert.throws(() => parseWheelFile(""), { value: null, message: "WHEEL has no Wheel-Version" });
});
