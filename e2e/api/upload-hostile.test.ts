// Uploads an attacker would send: multipart bodies that end early or break off, filenames with
// path parts, wheels with symlink members or names that only look harmless. Each is refused
// with a 4xx (or, when the client itself hangs up, a closed connection), the process lives on,
// and nothing is stored.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { startRegistry, type TestRegistry } from "../support/registry.ts";
import { buildWheel, buildZip, wheelFilename, wheelMembers, type RawZipEntry, type WheelSpec } from "@wheelhouse/testing";
import { basicAuth, uploadForm } from "../support/upload-form.ts";
import { postHead, RawConnection } from "../support/raw-http.ts";
import { makeTempDir, removeTempDirs } from "../support/temp-dir.ts";
import { twineUpload } from "../support/twine.ts";
import { assertNothingStored } from "../support/upload-leftovers.ts";

/** A valid wheel of `spec` plus members no real builder writes. */
function wheelWithMembers(spec: WheelSpec, extra: RawZipEntry[]): Buffer {
  return buildZip([...wheelMembers(spec), ...extra]);
}

let registry: TestRegistry;
let auth: string;
let token: string;

before(async () => {
  registry = await startRegistry();
  token = (await registry.createUser("hostile", { scope: "upload" })).token;
  auth = basicAuth("__token__", token);
});
after(async () => {
  await registry.stop();
  await removeTempDirs();
});

async function assertAlive() {
  const health = await fetch(`${registry.url}/healthz`);
  assert.equal(health.status, 200, "the registry still answers");
}

/** The bodies below all name project "x". */
function assertNoUploadLeft() {
  return assertNothingStored(registry, "x");
}

/** Sends `head` + `body` on a fresh connection, then ends it as `ending` says; returns the answer, if any. */
async function sendRaw(head: string, body: string | Buffer, ending: "complete" | "half-close" | "abort") {
  const connection = await RawConnection.open(registry.url);
  await connection.write(head);
  await connection.write(body);
  if (ending === "abort") {
    connection.destroy();
    return null;
  }
  if (ending === "half-close") connection.end();
  const response = await connection.response();
  connection.destroy();
  return response;
}

function multipartHead(length: number | "chunked", boundary = "B") {
  return postHead("/", {
    Authorization: auth,
    "Content-Type": `multipart/form-data; boundary=${boundary}`,
    ...(length === "chunked" ? { "Transfer-Encoding": "chunked" } : { "Content-Length": length }),
  });
}

const fileHeader = 'Content-Disposition: form-data; name="content"; filename="x-1.0-py3-none-any.whl"';
const fields = [":action=file_upload", "protocol_version=1", "name=x", "version=1.0", "filetype=bdist_wheel", `sha256_digest=${"0".repeat(64)}`]
  .map((pair) => pair.split("="))
  .map(([name, value]) => `--B\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`)
  .join("");

// Bodies whose multipart framing stops short: the Content-Length matches what is sent.
const truncatedBodies: Record<string, string> = {
  "the file part has no closing boundary": `--B\r\n${fileHeader}\r\n\r\nPK`,
  "after every field, the file part has no closing boundary": `${fields}--B\r\n${fileHeader}\r\n\r\nPK\u0003\u0004`,
  "mid part header": "--B\r\nContent-Disposition: form-da",
  "mid field value": '--B\r\nContent-Disposition: form-data; name=":action"\r\n\r\nfile_up',
  "only the first boundary": "--B\r\n",
  "a preamble and nothing else": "hello",
};

describe("multipart bodies that end early", () => {
  for (const [what, body] of Object.entries(truncatedBodies)) {
    test(`${what}: 400, three times over, and the process lives`, async () => {
      for (let round = 0; round < 3; round++) {
        const response = await sendRaw(multipartHead(Buffer.byteLength(body)), body, "complete");
        assert.equal(response?.status, 400, `round ${round}: ${response?.head}`);
        assert.match(response.body, /^Invalid upload form: /);
        // The crash came after the 400 was sent: give any late error its chance, then ask again.
        await new Promise((resolve) => setTimeout(resolve, 150));
        await assertAlive();
      }
      await assertNoUploadLeft();
    });
  }

  test("the client stops sending and half-closes before Content-Length is reached", async () => {
    const body = `${fields}--B\r\n${fileHeader}\r\n\r\nPK\u0003\u0004`;
    for (let round = 0; round < 3; round++) {
      const response = await sendRaw(multipartHead(body.length + 10_000), body, "half-close");
      // Nobody may be left to read an answer; if one comes, it is a 4xx.
      if (response) assert.ok(response.status >= 400 && response.status < 500, response.head);
      await new Promise((resolve) => setTimeout(resolve, 150));
      await assertAlive();
    }
    await assertNoUploadLeft();
  });

  test("the request's own headers are cut off, then the client half-closes", async () => {
    for (let round = 0; round < 3; round++) {
      const response = await sendRaw(`POST / HTTP/1.1\r\nHost: localhost\r\nAuthorization: ${auth}\r\nContent-Type: multipart/form-da`, "", "half-close");
      if (response) assert.ok(response.status >= 400 && response.status < 500, response.head);
      await assertAlive();
    }
    await assertNoUploadLeft();
  });

  test("the connection is dropped mid-body", async () => {
    const body = `${fields}--B\r\n${fileHeader}\r\n\r\n${"PK".padEnd(64 * 1024, "x")}`;
    for (let round = 0; round < 3; round++) {
      await sendRaw(multipartHead(body.length + 100_000), body, "abort");
      await new Promise((resolve) => setTimeout(resolve, 150));
      await assertAlive();
    }
    await assertNoUploadLeft();
  });

  test("a chunked body with a broken chunk", async () => {
    const part = `--B\r\n${fileHeader}\r\n\r\nPK`;
    const body = `${part.length.toString(16)}\r\n${part}\r\nzz\r\n`;
    for (let round = 0; round < 3; round++) {
      const response = await sendRaw(multipartHead("chunked"), body, "complete");
      if (response) assert.ok(response.status >= 400 && response.status < 500, response.head);
      await assertAlive();
    }
    await assertNoUploadLeft();
  });

  // busboy takes the rest of a chunk after a close delimiter as more parts: a file part opened
  // there never ended, and the request hung with its staging file open. Head and body go in one
  // write so that they reach the server as one chunk.
  test("a close delimiter glued to the next part, the body cut inside the file part: 400, nothing left", { timeout: 60_000 }, async () => {
    const body = Buffer.concat([
      Buffer.from('--B\r\nContent-Disposition: form-data; name=":action"\r\n\r\nfile_upload\r\n'),
      Buffer.from('--BF\nContent-Disposition: form-data; name="protocol_version"\r\n\r\n1\r\n'),
      Buffer.from(`--B--${fields.slice(2)}--B\r\n${fileHeader}\r\nContent-Type: application/octet-stream\r\n\r\n`),
      Buffer.from("PK\u0003\u0004\u0014\u0000\u0000\u0000", "latin1"),
    ]);
    for (let round = 0; round < 3; round++) {
      const connection = await RawConnection.open(registry.url);
      await connection.write(Buffer.concat([Buffer.from(multipartHead(body.length)), body]));
      // No timed assertion: a hang shows as the test's own timeout.
      const response = await connection.response();
      connection.destroy();
      assert.equal(response?.status, 400, `round ${round}: ${connection.text}`);
      assert.equal(response.body, "Invalid upload form: Unexpected end of form.\n");
      await assertAlive();
    }
    await assertNoUploadLeft();
  });

  test("a multipart content type without a boundary", async () => {
    const body = `--B\r\n${fileHeader}\r\n\r\nPK\r\n--B--\r\n`;
    const head = postHead("/", { Authorization: auth, "Content-Type": "multipart/form-data", "Content-Length": body.length });
    const response = await sendRaw(head, body, "complete");
    assert.equal(response?.status, 400, response?.head);
    await assertAlive();
    await assertNoUploadLeft();
  });
});

/** The form fetch sends, as bytes, with its content type. */
async function encodedForm(form: FormData): Promise<{ body: Buffer; contentType: string }> {
  const response = new Response(form);
  return { body: Buffer.from(await response.arrayBuffer()), contentType: response.headers.get("content-type")! };
}

async function uploadBytes(body: Buffer, contentType: string) {
  const response = await fetch(`${registry.url}/`, {
    method: "POST",
    body: new Uint8Array(body),
    headers: { authorization: auth, "content-type": contentType },
  });
  return { status: response.status, body: (await response.text()).trim() };
}

describe("filenames with path parts", () => {
  const spec: WheelSpec = { name: "pathy", version: "1.0" };
  const pathMessage = "Cannot upload a file with '/' or '\\' in the name.";

  for (const prefix of ["../", "/tmp/", "..\\", "dir/", "C:\\temp\\"]) {
    test(`filename="${prefix}${wheelFilename(spec)}": 400, as PyPI answers`, async () => {
      const { body, contentType } = await encodedForm(uploadForm(spec, `${prefix}${wheelFilename(spec)}`, buildWheel(spec).body));
      const result = await uploadBytes(body, contentType);
      assert.equal(result.status, 400);
      assert.equal(result.body, pathMessage);
      await assertNothingStored(registry, "pathy");
    });
  }

  test("filename*=UTF-8''..%2F<name> (RFC 5987): 400", async () => {
    const { body, contentType } = await encodedForm(uploadForm(spec, wheelFilename(spec), buildWheel(spec).body));
    const rewritten = body.toString("latin1").replace(`filename="${wheelFilename(spec)}"`, `filename*=UTF-8''..%2F${wheelFilename(spec)}`);
    assert.notEqual(rewritten, body.toString("latin1"));
    const result = await uploadBytes(Buffer.from(rewritten, "latin1"), contentType);
    assert.equal(result.status, 400);
    assert.equal(result.body, pathMessage);
    await assertNothingStored(registry, "pathy");
  });

  for (const length of [240, 5000]) {
    test(`a ${length}-character project name makes a filename over 255 characters: 400, not a 500 from storage`, async () => {
      const long: WheelSpec = { name: "a".repeat(length), version: "1.0" };
      const { body, contentType } = await encodedForm(uploadForm(long, wheelFilename(long), buildWheel(long).body));
      const result = await uploadBytes(body, contentType);
      assert.equal(result.status, 400);
      assert.equal(result.body, `Invalid filename: a distribution filename is at most 255 characters, this one has ${wheelFilename(long).length}.`);
      await assertNothingStored(registry, long.name);
    });
  }

  test("the plain filename still uploads", async () => {
    const ok = { name: "pathy-ok", version: "1.0" };
    const { body, contentType } = await encodedForm(uploadForm(ok, wheelFilename(ok), buildWheel(ok).body));
    assert.equal((await uploadBytes(body, contentType)).status, 200);
  });
});

async function twineWheel(spec: WheelSpec, bytes: Buffer) {
  const dir = await makeTempDir();
  const path = join(dir, wheelFilename(spec));
  await writeFile(path, bytes);
  return twineUpload(`${registry.url}/`, [path], { username: "__token__", password: token });
}

describe("wheels with hostile members", () => {
  const S_IFLNK = 0o120000;
  for (const target of ["/etc/passwd", "../../.."]) {
    test(`a symlink member to ${target} is refused (twine)`, async () => {
      const spec: WheelSpec = { name: "linky", version: "1.0" };
      const wheel = wheelWithMembers(spec, [{ name: "linky/passwd", data: target, method: 0, externalAttributes: ((S_IFLNK | 0o777) << 16) >>> 0 }]);
      const result = await twineWheel(spec, wheel);
      assert.notEqual(result.code, 0, result.stdout);
      assert.match(
        result.stdout + result.stderr,
        /400 Invalid distribution file: member "linky\/passwd" is a symbolic link; a distribution may hold only regular files and directories\./,
      );
      await assertNothingStored(registry, "linky");
    });
  }

  test("a regular file's mode bits are fine", async () => {
    const spec: WheelSpec = { name: "mode-bits", version: "1.0" };
    const wheel = wheelWithMembers(spec, [{ name: "mode_bits/tool.py", data: "X = 1\n", externalAttributes: (0o100755 << 16) >>> 0 }]);
    const result = await twineWheel(spec, wheel);
    assert.equal(result.code, 0, result.stdout + result.stderr);
  });

  test("a member name without the UTF-8 flag is read as CP437: byte 0x0A is a newline, refused", async () => {
    const spec: WheelSpec = { name: "cp-name", version: "1.0" };
    const name = Buffer.concat([Buffer.from("cp_name/evil"), Buffer.from([0x0a]), Buffer.from("name.py")]);
    const wheel = wheelWithMembers(spec, [{ name, cp437Name: true, data: "X = 1\n" }]);
    const { body, contentType } = await encodedForm(uploadForm(spec, wheelFilename(spec), wheel));
    const result = await uploadBytes(body, contentType);
    assert.equal(result.status, 400);
    assert.equal(result.body, 'Invalid distribution file: member name "cp_name/evil\\nname.py" contains a control character.');
    await assertNothingStored(registry, "cp-name");
  });

  test("a CP437 name with a high byte is read as Python reads it, and accepted", async () => {
    const spec: WheelSpec = { name: "cp-ok", version: "1.0" };
    // 0x81 is "ü" in CP437.
    const name = Buffer.concat([Buffer.from("cp_ok/gr"), Buffer.from([0x81]), Buffer.from("n.py")]);
    const wheel = wheelWithMembers(spec, [{ name, cp437Name: true, data: "X = 1\n" }]);
    const { body, contentType } = await encodedForm(uploadForm(spec, wheelFilename(spec), wheel));
    assert.equal((await uploadBytes(body, contentType)).status, 200);
  });
});
