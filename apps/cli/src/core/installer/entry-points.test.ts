import assert from "node:assert/strict";
import { test } from "node:test";
import { launcherScript, parseEntryPoints, shebang } from "./entry-points.ts";

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
      "Invalid script entry point: bad = module_only - A callable suffix is required. " +
      "Cf https://packaging.python.org/specifications/entry-points/#use-for-scripts for more information.",
  });
});
