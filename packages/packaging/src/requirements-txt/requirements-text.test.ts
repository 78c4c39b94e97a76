import assert from "node:assert/strict";
import { test } from "node:test";
import { NO_LOCAL_PATHS } from "./requirement-line.ts";
import { parseRequirementsFile, type RequirementsFiles } from "./requirements-file.ts";
import { parseRequirementsText } from "./requirements-text.ts";

/** The file entry over one in-memory file and no other: what a stored text would be as a file. */
async function viaFile(text: string) {
  const files: RequirementsFiles = { ...NO_LOCAL_PATHS, readFile: async () => text };
  return parseRequirementsFile("requirements.txt", { files, cwd: "/" });
}

test("text entry: requirement lines, with what cannot be followed reported (the sync selection's cases)", () => {
  const text = [
    "# pinned",
    "requests==2.31.0 --hash=sha256:abc",
    "Django>=4.2,<6  # web",
    "urllib3 \\",
    "  <3",
    "-r other.txt",
    "--index-url https://example.invalid/simple",
    "pkg @ https://example.invalid/pkg.whl",
    "not valid!!",
    "",
  ].join("\n");
  const { requirements, problems } = parseRequirementsText(text);
  assert.deepEqual(
    requirements.map((r) => [r.line, String(r.requirement)]),
    [
      [2, "requests==2.31.0"],
      [3, "Django<6,>=4.2"],
      [4, "urllib3<3"],
    ],
  );
  assert.deepEqual(
    problems.map((p) => p.message.replace(/: Invalid.*/, ": Invalid…")),
    [
      'requirements line 6: option "-r" ignored',
      'requirements line 7: option "--index-url" ignored',
      "requirements line 8: pkg is a direct URL requirement; not mirrored",
      "requirements line 9: Invalid…",
    ],
  );
});

test("text entry: option lines name pip's long option and the spelling used", () => {
  const { requirements, problems } = parseRequirementsText("-e ./src\n--constraint=c.txt\n-ihttps://x/simple\n--pre --no-index\n");
  assert.equal(requirements.length, 0);
  assert.deepEqual(
    problems.map((p) => (p.kind === "option" ? [p.line, p.option, p.written] : p.kind)),
    [
      [1, "--editable", "-e"],
      [2, "--constraint", "--constraint"],
      [3, "--index-url", "-i"],
      [4, "--pre", "--pre"],
      [4, "--no-index", "--no-index"],
    ],
  );
});

test("text entry: unknown options, options of a requirement, URLs and paths, invalid lines", () => {
  const { requirements, problems } = parseRequirementsText(
    [
      "--frobnicate",
      "app==1.0 --install-option=x",
      "lib==2.0 --config-settings=k=v",
      "https://example.com/x-1.0-py3-none-any.whl",
      "./dist/y-2.0.tar.gz",
      "==1.0",
      "${HOME}-pkg",
    ].join("\n"),
  );
  assert.deepEqual(
    requirements.map((r) => String(r.requirement)),
    ["lib==2.0"],
  );
  assert.deepEqual(
    problems.map((p) => ({ kind: p.kind, line: p.line, message: p.message })),
    [
      { kind: "unknown-option", line: 1, message: 'requirements line 1: unknown option "--frobnicate"' },
      { kind: "unknown-option", line: 2, message: 'requirements line 2: unknown option "--install-option" after the requirement' },
      { kind: "requirement-option", line: 3, message: 'requirements line 3: option "--config-settings" of the requirement ignored' },
      { kind: "direct-url", line: 4, message: "requirements line 4: x is a direct URL requirement; not mirrored" },
      { kind: "direct-url", line: 5, message: "requirements line 5: ./dist/y-2.0.tar.gz is a direct URL requirement; not mirrored" },
      { kind: "invalid", line: 6, message: 'requirements line 6: Invalid requirement: "==1.0" (expected a package name at the start)' },
      { kind: "invalid", line: 7, message: 'requirements line 7: Invalid requirement: "${HOME}-pkg" (expected a package name at the start)' },
    ],
  );
  const invalid = problems.find((p) => p.kind === "invalid")!;
  assert.equal(invalid.kind === "invalid" && invalid.detail, 'Invalid requirement: "==1.0" (expected a package name at the start)');
});

// Lines both entries accept, read the same way: same requirements, same line numbers.
const AGREED = [
  "# pinned by pip-compile",
  "app==3.0 \\",
  "    --hash=sha256:0000000000000000000000000000000000000000000000000000000000000000",
  "lib[extra]>=2,<3  # comment after",
  'base ; python_version >= "3.8"',
  "  spaced  ==  1.0  ",
  "# comment \\",
  "after-comment",
  "ver~=1.4.2",
  "weird-name.with_dots===1.0+local",
  'marked[a,b]>1; sys_platform == "win32" and python_version < "3.12"',
  "",
  "   # indented comment",
  "tail>=1 \\",
  "  ,<2",
];

test("the text entry and the file entry read the same lines the same way", async () => {
  const text = AGREED.join("\n");
  const fromFile = await viaFile(text);
  const fromText = parseRequirementsText(text);
  assert.deepEqual(fromText.problems, []);
  assert.deepEqual(fromFile.warnings, []);
  assert.deepEqual(
    fromText.requirements.map((r) => [`requirements.txt:${r.line}`, r.text, String(r.requirement)]),
    fromFile.requirements.map((r) => [r.source, r.text.trim(), String(r.requirement)]),
  );
  assert.deepEqual(
    fromText.requirements.map((r) => String(r.requirement)),
    [
      "app==3.0",
      "lib[extra]<3,>=2",
      'base; python_version >= "3.8"',
      "spaced==1.0",
      "after-comment",
      "ver~=1.4.2",
      "weird-name.with_dots===1.0+local",
      'marked[a,b]>1; sys_platform == "win32" and python_version < "3.12"',
      "tail<2,>=1",
    ],
  );
});

test("a line the file entry refuses is a problem of the text entry, not an error", async () => {
  for (const line of ["not valid!!", "--frobnicate", "pkg==1 'unterminated"]) {
    await assert.rejects(viaFile(line));
    const { requirements, problems } = parseRequirementsText(line);
    assert.equal(requirements.length, 0, line);
    assert.equal(problems.length, 1, line);
  }
});
