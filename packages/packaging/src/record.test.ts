import assert from "node:assert/strict";
import { test } from "node:test";
import { formatRecord, parseRecord, recordHash } from "./record.ts";

test("RECORD rows round-trip, sorted, quoted and terminated as Python's csv module writes them", () => {
  const text = formatRecord([
    { path: "pkg/b.py", hash: "sha256=x", size: "1" },
    { path: "pkg/a,b.py", hash: "sha256=y", size: "2" },
    { path: "pkg-1.0.dist-info/RECORD", hash: "", size: "" },
  ]);
  assert.equal(text, 'pkg-1.0.dist-info/RECORD,,\r\n"pkg/a,b.py",sha256=y,2\r\npkg/b.py,sha256=x,1\r\n');
  assert.deepEqual(
    parseRecord(text).map((r) => r.path),
    ["pkg-1.0.dist-info/RECORD", "pkg/a,b.py", "pkg/b.py"],
  );
  assert.deepEqual(parseRecord("a.py,sha256=z,3\nb.py\n"), [
    { path: "a.py", hash: "sha256=z", size: "3" },
    { path: "b.py", hash: "", size: "" },
  ]);
});

test("RECORD hashes are urlsafe base64 sha256 without padding", () => {
  assert.equal(recordHash(Buffer.from("")), "sha256=47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU");
});

// Expected strings below are what Python's csv module writes and reads (checked with CPython 3).
test("RECORD quoting is Python csv's QUOTE_MINIMAL: delimiter, quote and line ends only", () => {
  const rows = [
    { path: "a b.py", hash: "sha256=x", size: "1" },
    { path: 'q"uote.py', hash: "", size: "" },
    { path: "new\nline.py", hash: "", size: "" },
    { path: "cr\rx", hash: "", size: "" },
    { path: "tab\tx", hash: "", size: "" },
    { path: " lead ", hash: "", size: "" },
    { path: "semi;x", hash: "", size: "" },
  ];
  const text = formatRecord(rows);
  assert.equal(text, ' lead ,,\r\na b.py,sha256=x,1\r\n"cr\rx",,\r\n"new\nline.py",,\r\n"q""uote.py",,\r\nsemi;x,,\r\ntab\tx,,\r\n');
  assert.deepEqual(
    parseRecord(text),
    [...rows].sort((a, b) => (a.path < b.path ? -1 : 1)),
  );
});

test("RECORD reading follows Python csv: text after a closing quote is kept, a quote inside a field is literal", () => {
  assert.deepEqual(parseRecord('a,"b""c",d\r\n"x"y,z\ne,f"g,h\n'), [
    { path: "a", hash: 'b"c', size: "d" },
    { path: "xy", hash: "z", size: "" },
    { path: "e", hash: 'f"g', size: "h" },
  ]);
});
