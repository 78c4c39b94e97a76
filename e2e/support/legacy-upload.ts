// An upload through the legacy API (twine's form, sent by fetch) that must succeed: the setup
// step of tests that need a wheel on an index.
import assert from "node:assert/strict";
import { buildWheel, wheelFilename, type WheelSpec } from "@wheelhouse/testing";
import { basicAuth, uploadForm } from "./upload-form.ts";

/** POSTs `spec`'s wheel (`bytes`, or one built now) to `url` with an upload token; asserts the 200. */
export async function uploadWheel(url: string, token: string, spec: WheelSpec, bytes: Buffer = buildWheel(spec).body): Promise<void> {
  const response = await fetch(url, {
    method: "POST",
    body: uploadForm(spec, wheelFilename(spec), bytes),
    headers: { authorization: basicAuth("__token__", token) },
  });
  assert.equal(response.status, 200, await response.text());
}
