import assert from "node:assert/strict";
import { test } from "node:test";
import { launcherScript, parseEntryPoints, shebang } from "./entry-points.ts";
import { formatRecord, parseRecord, recordHash } from "./record.ts";

test("RECORD rows round-trip, sorted, quoted and terminated as Python's csv module writes them", () => {
  const text = formatRecord([
    { path: "pkg/b.py", hash: "sha256=x", size: "1" },
    { path: "pkg/a,b.py", hash: "sha256=y", size: "2" },
    { path: "pkg-1.0.dist-info/RECORD", hash: "", size: "" },
  ]);
  assert.equal(text, 'pkg-1.0.dist-info/RECORD,,\r\n"pkg/a,b.py",sha256=y,2\r\npkg/b.py,sha256=x,1\r\n');
  assert.deepEqual(parseRecord(text).map((r) => r.path), ["pkg-1.0.dist-info/RECORD", "pkg/a,b.py", "pkg/b.py"]);
  assert.deepEqual(parseRecord("a.py,sha256=z,3\nb.py\n"), [
    { path: "a.py", hash: "sha256=z", size: "3" },
    { path: "b.py", hash: "", size: "" },
  ]);
});

test("RECORD hashes are urlsafe base64 sha256 without padding", () => {
  assert.equal(recordHash(Buffer.from("")), "sha256=47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU");
});

test("entry_points.txt sections", () => {
  assert.deepEqual(parseEntryPoints("# c\n[console_scripts]\na = m:f\n b=m.n:o.p [x]\n\n[other]\nz = q\n"), [
    { group: "console_scripts", name: "a", value: "m:f" },
    { group: "console_scripts", name: "b", value: "m.n:o.p [x]" },
    { group: "other", name: "z", value: "q" },
  ]);
});

test("launchers use distlib's template and shebang rules", () => {
  assert.equal(
    launcherScript("/v/bin/python", "b", "m.n:o.p [x]", "linux"),
    "#!/v/bin/python\n# -*- coding: utf-8 -*-\nimport re\nimport sys\nfrom m.n import o\nif __name__ == '__main__':\n" +
      "    sys.argv[0] = re.sub(r'(-script\\.pyw|\\.exe)?$', '', sys.argv[0])\n    sys.exit(o.p())\n",
  );
  assert.equal(shebang("/with space/python", "linux"), "#!/bin/sh\n'''exec' \"/with space/python\" \"$0\" \"$@\"\n' '''");
  assert.equal(shebang(`/${"x".repeat(130)}/python`, "linux").startsWith("#!/bin/sh\n"), true);
  assert.equal(shebang(`/${"x".repeat(130)}/python`, "darwin").startsWith("#!/x"), true);
  assert.throws(() => launcherScript("/p", "bad", "module_only"), {
    message:
      "Invalid script entry point: bad = module_only - A callable suffix is required. Cf https://packaging.python.org/specifications/entry-points/#use-for-scripts for more information.",
  });
});
