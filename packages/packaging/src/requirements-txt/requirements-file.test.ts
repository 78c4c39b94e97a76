import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, statSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { pathToFileURL } from "node:url";
import {
  parseEditableArgs,
  parseRequirementArgs,
  parseRequirementsFile,
  preprocess,
  RequirementsFileError,
  type ParseRequirementsOptions,
  type RequirementsFiles,
} from "./requirements-file.ts";

/** The reader the CLI gives: node:fs. */
const NODE_FILES: RequirementsFiles = {
  readFile: (path) => readFile(path, "utf8"),
  exists: existsSync,
  isDirectory: (path) => {
    try {
      return statSync(path).isDirectory();
    } catch {
      return false;
    }
  },
};

/** Options with the node:fs reader and, unless given, this process's directory. */
function withFiles(options: Partial<ParseRequirementsOptions> = {}): ParseRequirementsOptions {
  return { files: NODE_FILES, cwd: process.cwd(), ...options };
}

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "wh-req-"));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, name)), { recursive: true });
    writeFileSync(join(root, name), text);
  }
  return root;
}

async function parse(files: Record<string, string>, entry = "requirements.txt", env: Record<string, string> = {}) {
  const cwd = tree(files);
  return { cwd, parsed: await parseRequirementsFile(entry, withFiles({ cwd, env })) };
}

async function parseError(files: Record<string, string>, entry = "requirements.txt"): Promise<string> {
  const cwd = tree(files);
  try {
    await parseRequirementsFile(entry, withFiles({ cwd, env: {} }));
  } catch (e) {
    assert.ok(e instanceof RequirementsFileError, String(e));
    return e.message;
  }
  assert.fail("expected an error");
}

test("PEP 508 lines: specifiers, extras, markers, name @ url; sources and comes-from", async () => {
  const { parsed } = await parse({
    "requirements.txt": [
      "requests[socks,security]>=2.31,<3",
      "",
      'tomli>=1.1; python_version < "3.11"',
      "pkg @ https://files.example/pkg-1.0.tar.gz",
      "pinned==1.0 ; sys_platform == 'linux'",
    ].join("\n"),
  });
  const reqs = parsed.requirements;
  assert.equal(reqs.length, 4);
  assert.equal(reqs[0]!.requirement!.toString(), "requests[security,socks]<3,>=2.31");
  assert.equal(reqs[0]!.source, "requirements.txt:1");
  assert.equal(reqs[0]!.comesFrom, "-r requirements.txt (line 1)");
  assert.equal(reqs[1]!.requirement!.toString(), 'tomli>=1.1; python_version < "3.11"');
  assert.equal(reqs[1]!.source, "requirements.txt:3");
  assert.equal(reqs[2]!.requirement!.url, "https://files.example/pkg-1.0.tar.gz");
  assert.equal(reqs[2]!.requirement!.name, "pkg");
  assert.equal(reqs[3]!.requirement!.marker!.toString(), 'sys_platform == "linux"');
  assert.ok(reqs.every((r) => !r.isConstraint));
});

test("comments: full-line and after whitespace, but not #egg= or #sha256= inside URLs", async () => {
  const { parsed } = await parse({
    "requirements.txt": [
      "# a comment",
      "   # an indented comment",
      "six==1.16  # pinned for reasons",
      "https://files.example/foo-1.0.tar.gz#egg=foo",
      "bar @ https://files.example/bar-2.0.tar.gz#sha256=abcd # trailing",
    ].join("\n"),
  });
  const [six, foo, bar] = parsed.requirements;
  assert.equal(six!.requirement!.toString(), "six==1.16");
  assert.equal(foo!.requirement!.name, "foo");
  assert.equal(foo!.url, "https://files.example/foo-1.0.tar.gz#egg=foo");
  assert.equal(bar!.requirement!.url, "https://files.example/bar-2.0.tar.gz#sha256=abcd");
});

test("line continuations keep the first line's number; a comment ends a continuation", async () => {
  const { parsed } = await parse({
    "requirements.txt": ["flask==3.0.0 \\", "    --hash=sha256:aaa \\", "    --hash=sha256:bbb", "click \\", "# comment ends it", "jinja2"].join("\n"),
  });
  const [flask, click, jinja] = parsed.requirements;
  assert.equal(flask!.source, "requirements.txt:1");
  assert.deepEqual(flask!.hashes, { sha256: ["aaa", "bbb"] });
  assert.equal(click!.requirement!.name, "click");
  assert.equal(click!.source, "requirements.txt:4");
  assert.equal(jinja!.source, "requirements.txt:6");
});

test("--hash: repeatable, several algorithms, with = or a space", async () => {
  const { parsed } = await parse({
    "requirements.txt": "attrs==23.1.0 --hash=sha256:one --hash sha512:two --hash=sha256:three\n",
  });
  assert.deepEqual(parsed.requirements[0]!.hashes, { sha256: ["one", "three"], sha512: ["two"] });
});

test("${VAR} expansion, only that form, only when set", async () => {
  const { parsed } = await parse({ "requirements.txt": "--index-url https://${USER_NAME}:${TOKEN}@pypi.corp/simple\n" }, "requirements.txt", {
    USER_NAME: "ci",
    TOKEN: "s3cret",
  });
  assert.equal(parsed.options.indexUrl, "https://ci:s3cret@pypi.corp/simple");
  assert.equal(preprocess("a==${V} $V ${lower}\n", { V: "1", lower: "x" })[0]![1], "a==1 $V ${lower}");
});

test("option lines: index, extra index, find-links (relative to the file when it exists there), flags, trusted hosts", async () => {
  const { parsed, cwd } = await parse(
    {
      "reqs/requirements.txt": [
        "-i https://primary/simple",
        "--extra-index-url=https://extra1/simple",
        "--extra-index-url https://extra2/simple",
        "-f ./wheels",
        "--find-links https://links.example/",
        "--pre",
        "--require-hashes",
        "--prefer-binary",
        "--trusted-host pypi.corp:8443",
        "--no-binary :all:",
        "--only-binary numpy,SciPy",
        "--no-index",
        "pkg",
      ].join("\n"),
      "reqs/wheels/.keep": "",
    },
    "reqs/requirements.txt",
  );
  assert.deepEqual(parsed.options, {
    indexUrl: "https://primary/simple",
    extraIndexUrls: ["https://extra1/simple", "https://extra2/simple"],
    findLinks: [join(cwd, "reqs/wheels"), "https://links.example/"],
    pre: true,
    requireHashes: true,
    preferBinary: true,
    trustedHosts: ["pypi.corp:8443"],
    noBinary: [":all:"],
    onlyBinary: ["numpy", "scipy"],
    noIndex: true,
  });
  assert.equal(parsed.requirements.length, 1);
});

test("abbreviated long options, as optparse allows", async () => {
  const { parsed } = await parse({ "requirements.txt": "--extra-index https://x/simple\n--require-h\n" });
  assert.deepEqual(parsed.options.extraIndexUrls, ["https://x/simple"]);
  assert.equal(parsed.options.requireHashes, true);
});

test("nested -r and -c, relative to the including file; -r inside a constraints file is requirements again", async () => {
  const { parsed } = await parse({
    "requirements.txt": "-r sub/base.txt\n-c sub/constraints.txt\nlocal-pkg\n",
    "sub/base.txt": "--requirement more/extra.txt\nbase-pkg\n",
    "sub/more/extra.txt": "extra-pkg\n",
    "sub/constraints.txt": "urllib3<2\n-r ../other.txt\n--constraint=deeper.txt\n",
    "other.txt": "other-pkg\n",
    "sub/deeper.txt": "idna==3.4\n",
  });
  assert.deepEqual(
    parsed.requirements.map((r) => [r.requirement!.name, r.source, r.comesFrom]),
    [
      ["extra-pkg", "sub/more/extra.txt:1", "-r sub/more/extra.txt (line 1)"],
      ["base-pkg", "sub/base.txt:2", "-r sub/base.txt (line 2)"],
      ["other-pkg", "other.txt:1", "-r other.txt (line 1)"],
      ["local-pkg", "requirements.txt:3", "-r requirements.txt (line 3)"],
    ],
  );
  assert.deepEqual(
    parsed.constraints.map((r) => [r.requirement!.toString(), r.source, r.isConstraint]),
    [
      ["urllib3<2", "sub/constraints.txt:1", true],
      ["idna==3.4", "sub/deeper.txt:1", true],
    ],
  );
});

test("a top-level constraints file", async () => {
  const cwd = tree({ "c.txt": "urllib3<2\n" });
  const parsed = await parseRequirementsFile("c.txt", withFiles({ cwd, isConstraint: true }));
  assert.equal(parsed.requirements.length, 0);
  assert.equal(parsed.constraints[0]!.comesFrom, "-c c.txt (line 1)");
});

test("requirements files from URLs through the given fetch; nested relative URLs are joined", async () => {
  const pages: Record<string, string> = {
    "https://config.example/reqs/main.txt": "-r common.txt\n-c https://other.example/c.txt\nmain-pkg\n",
    "https://config.example/reqs/common.txt": "common-pkg\n",
    "https://other.example/c.txt": "pinned==1\n",
  };
  const fetched: string[] = [];
  const fetch = async (url: string) => {
    fetched.push(url);
    const page = pages[url];
    if (page === undefined) throw new Error(`404 Client Error: Not Found for url: ${url}`);
    return page;
  };
  const parsed = await parseRequirementsFile("https://config.example/reqs/main.txt", withFiles({ fetch, env: {} }));
  assert.deepEqual(
    parsed.requirements.map((r) => r.requirement!.name),
    ["common-pkg", "main-pkg"],
  );
  assert.deepEqual(
    parsed.constraints.map((r) => r.requirement!.name),
    ["pinned"],
  );
  assert.deepEqual(fetched, Object.keys(pages));
  await assert.rejects(parseRequirementsFile("https://config.example/missing.txt", withFiles({ fetch })), {
    message: "Could not open requirements file: 404 Client Error: Not Found for url: https://config.example/missing.txt",
  });
  await assert.rejects(parseRequirementsFile("https://config.example/reqs/main.txt", withFiles()), {
    message: "Could not open requirements file: no way to fetch https://config.example/reqs/main.txt",
  });
});

test("file: URLs are read from disk", async () => {
  const cwd = tree({ "r.txt": "six\n" });
  const parsed = await parseRequirementsFile(pathToFileURL(join(cwd, "r.txt")).href, withFiles({ env: {} }));
  assert.equal(parsed.requirements[0]!.requirement!.name, "six");
});

test("local wheels, sdists and project directories; extras and markers on paths", async () => {
  const { parsed, cwd } = await parse({
    "requirements.txt": [
      "./dist/demo_pkg-1.2.0-py3-none-any.whl",
      "./dist/other-0.1.tar.gz",
      "./project[cli]",
      "./dist/demo_pkg-1.2.0-py3-none-any.whl[fast]; python_version >= '3.8'",
    ].join("\n"),
    "dist/demo_pkg-1.2.0-py3-none-any.whl": "",
    "dist/other-0.1.tar.gz": "",
    "project/pyproject.toml": "",
  });
  const [wheel, sdist, project, withExtras] = parsed.requirements;
  assert.equal(wheel!.requirement!.name, "demo-pkg");
  assert.equal(wheel!.url, pathToFileURL(join(cwd, "dist/demo_pkg-1.2.0-py3-none-any.whl")).href);
  assert.equal(wheel!.path, join(cwd, "dist/demo_pkg-1.2.0-py3-none-any.whl"));
  assert.equal(sdist!.requirement, null);
  assert.equal(sdist!.url, pathToFileURL(join(cwd, "dist/other-0.1.tar.gz")).href);
  assert.equal(project!.requirement, null);
  assert.deepEqual(project!.extras, ["cli"]);
  assert.equal(project!.path, join(cwd, "project"));
  assert.deepEqual(withExtras!.requirement!.extras, ["fast"]);
  assert.equal(withExtras!.requirement!.marker!.toString(), 'python_version >= "3.8"');
});

test("URLs: VCS with #egg, a wheel URL names itself, '; ' separates markers", async () => {
  const { parsed } = await parse({
    "requirements.txt": [
      "git+https://git.example/repo.git@v1.0#egg=repo",
      "https://files.example/x/Some_Pkg-2.0-py3-none-any.whl ; python_version > '3'",
      "https://files.example/unnamed-1.0.zip",
    ].join("\n"),
  });
  const [vcs, wheel, unnamed] = parsed.requirements;
  assert.equal(vcs!.requirement!.name, "repo");
  assert.equal(vcs!.requirement!.url, "git+https://git.example/repo.git@v1.0#egg=repo");
  assert.equal(wheel!.requirement!.name, "some-pkg");
  assert.equal(wheel!.requirement!.marker!.toString(), 'python_version > "3"');
  assert.equal(unnamed!.requirement, null);
  assert.equal(unnamed!.url, "https://files.example/unnamed-1.0.zip");
});

test("-e lines: a directory or a VCS URL with #egg", async () => {
  const { parsed, cwd } = await parse({
    "requirements.txt": "-e ./proj\n--editable git+https://git.example/x.git#egg=xpkg\n",
    "proj/setup.py": "",
  });
  const [local, vcs] = parsed.requirements;
  assert.equal(local!.editable, true);
  assert.equal(local!.path, join(cwd, "proj"));
  assert.equal(local!.requirement, null);
  assert.equal(vcs!.editable, true);
  assert.equal(vcs!.requirement!.name, "xpkg");
});

test("warning: --hash on a line without a requirement", async () => {
  const { parsed } = await parse({ "requirements.txt": "--hash=sha256:abc\n" });
  assert.deepEqual(parsed.warnings, ["requirements.txt line 1 has --hash but no requirement, and will be ignored."]);
});

const errorCases: Array<[string, Record<string, string>, string]> = [
  ["an invalid specifier", { "requirements.txt": "ok\nalso-ok\nfoo==\n" }, "Invalid requirement: 'foo==' (from line 3 of requirements.txt): "],
  ["a single = (with pip's hint)", { "requirements.txt": "foo=1.0\n" }, "Invalid requirement: 'foo=1.0' (from line 1 of requirements.txt): "],
  [
    "an unknown option",
    { "requirements.txt": "pkg\n--frobnicate x\n" },
    "Invalid requirement: '--frobnicate x' (from line 2 of requirements.txt): no such option: --frobnicate",
  ],
  [
    "an option without its value",
    { "requirements.txt": "--index-url\n" },
    "Invalid requirement: '--index-url' (from line 1 of requirements.txt): --index-url option requires 1 argument",
  ],
  [
    "a hash without an algorithm",
    { "requirements.txt": "pkg==1 --hash=abcdef\n" },
    "Invalid requirement: 'pkg==1 --hash=abcdef' (from line 1 of requirements.txt): " +
      "Arguments to --hash must be a hash name followed by a value, like --hash=sha256:abcde...",
  ],
  [
    "a weak hash",
    { "requirements.txt": "pkg==1 --hash=md5:abcdef\n" },
    "Invalid requirement: 'pkg==1 --hash=md5:abcdef' (from line 1 of requirements.txt): Allowed hash algorithms for --hash are sha256, sha384, sha512.",
  ],
  [
    "a nested file that does not exist, named from the including file",
    { "requirements.txt": "-r sub/missing.txt\n" },
    "Could not open requirements file: [Errno 2] No such file or directory: 'sub/missing.txt'",
  ],
  [
    "an error in a nested file names that file and line",
    { "requirements.txt": "-r base.txt\n", "base.txt": "a\nb\nc[\n" },
    "Invalid requirement: 'c[' (from line 3 of base.txt): ",
  ],
  [
    "a file that includes itself",
    { "requirements.txt": "-r a.txt\n", "a.txt": "-r requirements.txt\n" },
    "Requirements file requirements.txt includes itself (from line 1 of a.txt).",
  ],
  [
    "a directory that is not a project",
    { "requirements.txt": "./notaproject\n", "notaproject/README": "" },
    "Directory './notaproject' is not installable. Neither 'setup.py' nor 'pyproject.toml' found. (from line 1 of requirements.txt)",
  ],
  [
    "an editable that is neither a directory nor a VCS URL",
    { "requirements.txt": "-e https://files.example/x.tar.gz\n" },
    "https://files.example/x.tar.gz is not a valid editable requirement. It should either be a path to a local project or a VCS URL",
  ],
  [
    "an unterminated quote in options",
    { "requirements.txt": "pkg --hash 'sha256:abc\n" },
    "Invalid requirement: \"pkg --hash 'sha256:abc\" (from line 1 of requirements.txt): Could not split options: --hash 'sha256:abc",
  ],
];
for (const [what, files, message] of errorCases) {
  test(`error: ${what}`, async () => {
    const actual = await parseError(files);
    assert.ok(actual.startsWith(message), `${JSON.stringify(actual)} should start with ${JSON.stringify(message)}`);
  });
}

test("error: the missing top-level file", async () => {
  assert.equal(await parseError({}, "nope.txt"), "Could not open requirements file: [Errno 2] No such file or directory: 'nope.txt'");
});

test("error: pip's hint for = instead of ==", async () => {
  assert.match(await parseError({ "requirements.txt": "foo=1.0\n" }), /\nHint: = is not a valid operator. Did you mean == \?$/);
});

test("command-line arguments use the same syntax", () => {
  const cwd = tree({ "dist/x-1.0-py3-none-any.whl": "" });
  const [a, b, c] = parseRequirementArgs(["pkg[extra]>=1,<2", "./dist/x-1.0-py3-none-any.whl", "git+https://g/r.git#egg=r"], { cwd, files: NODE_FILES });
  assert.equal(a!.requirement!.toString(), "pkg[extra]<2,>=1");
  assert.equal(a!.source, "command line");
  assert.equal(a!.comesFrom, null);
  assert.equal(b!.requirement!.name, "x");
  assert.equal(b!.path, join(cwd, "dist/x-1.0-py3-none-any.whl"));
  assert.equal(c!.requirement!.name, "r");
  assert.throws(
    () => parseRequirementArgs(["foo=="], { cwd, files: NODE_FILES }),
    (e: unknown) => {
      assert.ok(e instanceof RequirementsFileError);
      assert.match(e.message, /^Invalid requirement: 'foo==': /);
      return true;
    },
  );
  const [editable] = parseEditableArgs(["git+https://g/r.git#egg=r"], { cwd, files: NODE_FILES });
  assert.equal(editable!.editable, true);
});
