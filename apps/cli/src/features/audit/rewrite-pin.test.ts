// rewritePin: the pin and its hashes change, every other byte of the file stays.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { PinNotFound, rewritePin } from "./rewrite-pin.ts";

const LOCK = [
  "#",
  "#    wheelhouse lock --generate-hashes requirements.in",
  "#",
  "app==1.0 \\",
  "    --hash=sha256:aaa",
  "    # via -r requirements.in",
  "vuln==1.0 \\",
  "    --hash=sha256:bbb \\",
  "    --hash=sha256:ccc",
  "    # via app",
  "zed==2.0",
  "",
].join("\n");

describe("rewritePin", () => {
  test("lock layout: the version and the hash lines change, nothing else", () => {
    const out = rewritePin(LOCK, 7, "1.0", "1.1", ["sha256:ddd"]);
    assert.equal(out, LOCK.replace("vuln==1.0 \\\n    --hash=sha256:bbb \\\n    --hash=sha256:ccc\n", "vuln==1.1 \\\n    --hash=sha256:ddd\n"));
  });

  test("more hashes than before keep the continuation layout", () => {
    const out = rewritePin(LOCK, 4, "1.0", "1.2", ["sha256:x1", "sha256:x2", "sha256:x3"]);
    assert.equal(
      out.split("\n").slice(3, 8).join("\n"),
      ["app==1.2 \\", "    --hash=sha256:x1 \\", "    --hash=sha256:x2 \\", "    --hash=sha256:x3", "    # via -r requirements.in"].join("\n"),
    );
    assert.equal(out.split("\n").slice(8).join("\n"), LOCK.split("\n").slice(6).join("\n"));
  });

  test("dropping the hashes ends the requirement on its own line", () => {
    assert.equal(rewritePin(LOCK, 7, "1.0", "1.1", []), LOCK.replace("vuln==1.0 \\\n    --hash=sha256:bbb \\\n    --hash=sha256:ccc\n", "vuln==1.1\n"));
  });

  test("inline hashes stay inline; markers, extras and CRLF line ends are kept", () => {
    const text = "a==1\r\nVuln[x] == 1.0 ; python_version >= '3' --hash=sha256:old --hash=sha256:old2 # pinned\r\nb==2";
    assert.equal(rewritePin(text, 2, "1.0", "1.1", ["sha256:new"]), "a==1\r\nVuln[x] == 1.1 ; python_version >= '3' --hash=sha256:new # pinned\r\nb==2");
  });

  test("a pin without hashes: only the version; no trailing newline is added", () => {
    assert.equal(rewritePin("x==1\nvuln===1.0", 2, "1.0", "1.1", ["sha256:new"]), "x==1\nvuln===1.1");
    assert.equal(rewritePin("vuln==1.0  # keep me\n", 1, "1.0", "1.1", null), "vuln==1.1  # keep me\n");
  });

  test("hashes are kept as they are when null is given", () => {
    assert.equal(rewritePin(LOCK, 7, "1.0", "1.1", null), LOCK.replace("vuln==1.0", "vuln==1.1"));
  });

  test("a line that does not pin the version is refused", () => {
    assert.throws(() => rewritePin(LOCK, 7, "1.0.1", "1.1", null), PinNotFound);
    assert.throws(() => rewritePin(LOCK, 99, "1.0", "1.1", null), PinNotFound);
    // 1.0 must not match the start of 1.0.1
    assert.throws(() => rewritePin("vuln==1.0.1\n", 1, "1.0", "1.1", null), PinNotFound);
  });
});
