import { test } from "node:test";
import assert from "node:assert/strict";
import {
  isValidDistributionFilename,
  isValidSdistFilename,
  isValidWheelFilename,
  parseDistributionFilename,
  parseSdistFilename,
  parseWheelFilename,
} from "./filenames.ts";

test("wheel filenames from PyPI", () => {
  // [filename, name, version, build, tags]
  const cases: [string, string, string, [number, string] | null, string[]][] = [
    ["pytz-2023.3.post1-py2.py3-none-any.whl", "pytz", "2023.3.post1", null, ["py2-none-any", "py3-none-any"]],
    [
      "zope.interface-6.0-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
      "zope-interface",
      "6.0",
      null,
      ["cp311-cp311-manylinux_2_17_x86_64", "cp311-cp311-manylinux2014_x86_64"],
    ],
    ["typing_extensions-4.7.1-py3-none-any.whl", "typing-extensions", "4.7.1", null, ["py3-none-any"]],
    ["numpy-1.26.0-cp312-cp312-macosx_10_9_x86_64.whl", "numpy", "1.26.0", null, ["cp312-cp312-macosx_10_9_x86_64"]],
    ["foo-1.0-1-py3-none-any.whl", "foo", "1.0", [1, ""], ["py3-none-any"]],
    ["foo-1.0-23abc-py3-none-any.whl", "foo", "1.0", [23, "abc"], ["py3-none-any"]],
    ["pyobjc_core-10.0-cp36-abi3-macosx_10_9_universal2.whl", "pyobjc-core", "10.0", null, ["cp36-abi3-macosx_10_9_universal2"]],
    ["Django-4.2-py3-none-any.whl", "django", "4.2", null, ["py3-none-any"]],
    ["torch-2.1.0+cu118-cp311-cp311-linux_x86_64.whl", "torch", "2.1.0+cu118", null, ["cp311-cp311-linux_x86_64"]],
    ["cryptography-41.0.4-cp37-abi3-win_amd64.whl", "cryptography", "41.0.4", null, ["cp37-abi3-win_amd64"]],
  ];
  for (const [filename, name, version, build, tags] of cases) {
    const w = parseWheelFilename(filename);
    assert.equal(w.name, name, filename);
    assert.equal(w.version.toString(), version, filename);
    assert.deepEqual(w.build, build, filename);
    assert.deepEqual(w.tags.map(String), tags, filename);
    assert.ok(isValidWheelFilename(filename));
  }
});

test("malformed wheel filenames are rejected with the reason", () => {
  const cases: [string, string][] = [
    ["foo-1.0-py3-none-any.zip", 'the extension must be ".whl"'],
    ["foo-1.0-py3-none.whl", "expected {name}-{version}(-{build})?-{python}-{abi}-{platform}.whl, found 4 dash-separated parts"],
    ["foo-bar-1.0-1-py3-none-any.whl", "expected {name}-{version}(-{build})?-{python}-{abi}-{platform}.whl, found 7 dash-separated parts"],
    ["foo__bar-1.0-py3-none-any.whl", 'invalid project name "foo__bar"'],
    ["foo bar-1.0-py3-none-any.whl", 'invalid project name "foo bar"'],
    ["foo-1.0.x-py3-none-any.whl", 'invalid version "1.0.x"'],
    // PEP 427: the build tag must start with a digit.
    ["foo-1.0-abc-py3-none-any.whl", 'invalid build tag "abc": it must start with a digit'],
    ["foo-1.0-py3-no ne-any.whl", 'invalid compatibility tag "py3-no ne-any"'],
    ["foo-1.0-py3..py2-none-any.whl", 'invalid compatibility tag "py3..py2-none-any"'],
    ["../foo-1.0-py3-none-any.whl", "a filename may not contain a path separator"],
  ];
  for (const [filename, reason] of cases) {
    assert.throws(() => parseWheelFilename(filename), {
      name: "InvalidWheelFilename",
      message: `Invalid wheel filename ${JSON.stringify(filename)}: ${reason}`,
    });
    assert.equal(isValidWheelFilename(filename), false);
  }
});

test("sdist filenames, PEP 625 and legacy", () => {
  const cases: [string, string, string, string][] = [
    ["Django-4.2.tar.gz", "django", "4.2", ".tar.gz"],
    ["python-dateutil-2.8.2.tar.gz", "python-dateutil", "2.8.2", ".tar.gz"],
    ["python_dateutil-2.8.2.tar.gz", "python-dateutil", "2.8.2", ".tar.gz"],
    ["backports.zoneinfo-0.2.1.tar.gz", "backports-zoneinfo", "0.2.1", ".tar.gz"],
    ["typing_extensions-4.7.1.tar.gz", "typing-extensions", "4.7.1", ".tar.gz"],
    ["pytz-2023.3.post1.tar.gz", "pytz", "2023.3.post1", ".tar.gz"],
    ["foo-1.0.zip", "foo", "1.0", ".zip"],
    ["zope.interface-6.0.tar.gz", "zope-interface", "6.0", ".tar.gz"],
    ["a-b-c-1.0rc1.tar.gz", "a-b-c", "1.0rc1", ".tar.gz"],
    // The tail after the last dash is no version, the one before is: `1.0-post1`.
    ["foo-1.0-post1.tar.gz", "foo", "1.0.post1", ".tar.gz"],
    // Ambiguous: the last dash wins (as pypa/packaging's rpartition).
    ["foo-1.0-1.tar.gz", "foo-1-0", "1", ".tar.gz"],
  ];
  for (const [filename, name, version, extension] of cases) {
    const s = parseSdistFilename(filename);
    assert.equal(s.name, name, filename);
    assert.equal(s.version.toString(), version, filename);
    assert.equal(s.extension, extension, filename);
    assert.ok(isValidSdistFilename(filename));
  }
  // Knowing the project settles the ambiguous split, as warehouse and pip do.
  const known = parseSdistFilename("foo-1.0-1.tar.gz", { project: "Foo" });
  assert.deepEqual([known.name, known.version.toString()], ["foo", "1.0.post1"]);
});

test("malformed sdist filenames are rejected with the reason", () => {
  const cases: [string, string, { project?: string }?][] = [
    ["foo-1.0.tar.bz2", ".tar.bz2 is not an accepted sdist format; use .tar.gz or .zip"],
    ["foo-1.0-py2.7.egg", ".egg is not an accepted sdist format; use .tar.gz or .zip"],
    ["foo-1.0.tgz", ".tgz is not an accepted sdist format; use .tar.gz or .zip"],
    ["foo-1.0.exe", ".exe is not an accepted sdist format; use .tar.gz or .zip"],
    ["foo-1.0.rar", 'the extension must be ".tar.gz" or ".zip"'],
    ["foo-1.0.TAR.GZ", 'the extension must be ".tar.gz" or ".zip"'],
    ["foo.tar.gz", "expected {name}-{version}, found no dash"],
    ["foo-bar.tar.gz", 'invalid version "bar"'],
    ["-1.0.tar.gz", 'invalid project name ""'],
    ["foo bar-1.0.tar.gz", 'invalid project name "foo bar"'],
    ["foo-1.0.tar.gz", 'the name does not match the project "bar"', { project: "bar" }],
    ["foo-bar.tar.gz", 'invalid version "bar"', { project: "foo" }],
    ["dir/foo-1.0.tar.gz", "a filename may not contain a path separator"],
  ];
  for (const [filename, reason, options] of cases) {
    assert.throws(() => parseSdistFilename(filename, options), {
      name: "InvalidSdistFilename",
      message: `Invalid sdist filename ${JSON.stringify(filename)}: ${reason}`,
    });
  }
  assert.equal(isValidSdistFilename("foo-1.0.tar.bz2"), false);
});

test("parseDistributionFilename picks the kind", () => {
  assert.equal(parseDistributionFilename("foo-1.0-py3-none-any.whl").kind, "wheel");
  assert.equal(parseDistributionFilename("foo-1.0.tar.gz").kind, "sdist");
  assert.equal(isValidDistributionFilename("foo-1.0.tar.gz"), true);
  assert.equal(isValidDistributionFilename("foo-1.0-py3-none-any.whl"), true);
  assert.equal(isValidDistributionFilename("foo-1.0.egg"), false);
});
