// An index may be named "pypi" (the usual name of a PyPI mirror): its JSON API at
// /pypi/pypi/<project>/json must reach it, although /pypi/<project>/<version>/json is the
// default index's release URL of the same shape.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { startRegistry, type TestRegistry } from "../support/registry.ts";
import { uploadWheel } from "../support/legacy-upload.ts";

let registry: TestRegistry;

before(async () => {
  registry = await startRegistry();
  // The default index ("main") holds a project that is itself named "pypi".
  await uploadWheel(`${registry.url}/`, registry.adminToken, { name: "pypi", version: "1.0" });
});
after(() => registry?.stop());

async function json(path: string): Promise<{ status: number; name?: string; version?: string }> {
  const response = await fetch(`${registry.url}${path}`);
  if (response.status !== 200) return { status: response.status };
  const body = (await response.json()) as { info: { name: string; version: string } };
  return { status: 200, name: body.info.name, version: body.info.version };
}

test("an index named pypi is reachable through its JSON API, and the default index's project 'pypi' stays reachable", async () => {
  assert.deepEqual(await json("/pypi/pypi/1.0/json"), { status: 200, name: "pypi", version: "1.0" }, "no index named pypi yet: the default index's release");
  await registry.admin("POST", "/api/admin/indexes", { name: "pypi", kind: "hosted" });
  await uploadWheel(`${registry.url}/pypi/`, registry.adminToken, { name: "requests-ish", version: "2.0" });

  assert.deepEqual(await json("/pypi/pypi/requests-ish/json"), { status: 200, name: "requests-ish", version: "2.0" });
  assert.deepEqual(await json("/pypi/pypi/requests-ish/2.0/json"), { status: 200, name: "requests-ish", version: "2.0" });
  assert.equal((await fetch(`${registry.url}/pypi/simple/requests-ish/`)).status, 200);
  // The default index's project "pypi": its project URL is unchanged, its release under the index's own prefix.
  assert.deepEqual(await json("/pypi/pypi/json"), { status: 200, name: "pypi", version: "1.0" });
  assert.deepEqual(await json("/main/pypi/pypi/1.0/json"), { status: 200, name: "pypi", version: "1.0" });
  assert.deepEqual(await json("/pypi/requests-ish/json"), { status: 404 }, "the default index has no requests-ish");
});
