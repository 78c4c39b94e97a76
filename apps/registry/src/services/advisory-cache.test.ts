// The lookup cache under concurrent lookups: rows read under an older generation answer their own
// request but are never kept once another lookup has moved the cache to a newer generation.
// (import-advisories.test.ts covers the cache against a real database, one lookup at a time.)
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Db } from "@wheelhouse/db";
import { AdvisoryCache } from "./advisory-cache.ts";

function row(id: string) {
  const advisory = {
    id,
    aliases: [],
    summary: "",
    details: "",
    severity: null,
    link: "",
    source: "osv",
    published: null,
    modified: new Date(0),
    withdrawn: null,
  };
  return { advisoryId: id, name: "lib", ranges: [[{ introduced: "0" }]], versions: [], fixedIn: [], advisory };
}

/** A database whose generation the test sets and whose package rows it hands out when it chooses. */
function fakeDb() {
  const state = { generation: 1, pending: [] as ((rows: unknown[]) => void)[] };
  const db = {
    advisoryImport: { findFirst: async () => ({ id: state.generation }) },
    advisoryPackage: { findMany: () => new Promise<unknown[]>((resolve) => state.pending.push(resolve)) },
  };
  return { state, db: db as unknown as Db };
}

test("rows read under an older generation are not cached after a newer one was seen", async () => {
  const { state, db } = fakeDb();
  const cache = new AdvisoryCache();
  const ids = (list: { id: string }[]) => list.map((a) => a.id);

  // A lookup reads generation 1 and waits for its rows …
  const old = cache.forRelease(db, "lib", "1.0");
  await new Promise((resolve) => setImmediate(resolve));
  // … an import commits; a second lookup reads generation 2 and gets the new rows first.
  state.generation = 2;
  const fresh = cache.forRelease(db, "lib", "1.0");
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(state.pending.length, 2);
  state.pending[1]!([row("NEW-1")]);
  assert.deepEqual(ids(await fresh), ["NEW-1"]);
  state.pending[0]!([row("OLD-1")]);
  assert.deepEqual(ids(await old), ["OLD-1"], "the slow lookup answers from what it read");

  // The cache holds generation 2's rows: no query, and not the old answer.
  assert.deepEqual(ids(await cache.forRelease(db, "lib", "1.0")), ["NEW-1"]);
  assert.equal(state.pending.length, 2);
});
