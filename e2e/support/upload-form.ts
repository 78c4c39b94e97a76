// What a client sends to the legacy upload API: the multipart form twine sends, and Basic
// credentials. The distributions themselves come from @wheelhouse/testing.
import { createHash } from "node:crypto";

export function digestsOf(bytes: Uint8Array): { sha256: string; md5: string } {
  return { sha256: createHash("sha256").update(bytes).digest("hex"), md5: createHash("md5").update(bytes).digest("hex") };
}

/** The multipart form twine sends, as a fetch body. */
export function uploadForm(
  spec: { name: string; version: string },
  filename: string,
  bytes: Uint8Array,
  overrides: Record<string, string | undefined> = {},
): FormData {
  const fields: Record<string, string | undefined> = {
    ":action": "file_upload",
    protocol_version: "1",
    name: spec.name,
    version: spec.version,
    filetype: filename.endsWith(".whl") ? "bdist_wheel" : "sdist",
    pyversion: filename.endsWith(".whl") ? "py3" : "source",
    metadata_version: "2.1",
    sha256_digest: digestsOf(bytes).sha256,
    ...overrides,
  };
  const form = new FormData();
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) form.append(key, value);
  form.append("content", new Blob([new Uint8Array(bytes)]), filename);
  return form;
}

export function basicAuth(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`;
}
