import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { IndexKind, Prisma, TokenScope } from "./index.ts";
import type { Db } from "./index.ts";
import { createTestDatabase } from "./testing.ts";
import type { TestDatabase } from "./testing.ts";

describe("createDb", () => {
  let testDb: TestDatabase;
  let db: Db;
  before(async () => {
    testDb = await createTestDatabase();
    db = testDb.db;
  });
  after(async () => {
    await testDb.drop();
  });

  it("round-trips a user, index, project, release and file", async () => {
    const user = await db.user.create({ data: { username: "alice", passwordHash: "$argon2id$…" } });
    const index = await db.index.create({ data: { name: "internal", kind: IndexKind.hosted } });
    const project = await db.project.create({
      data: { indexId: index.id, name: "my-lib", displayName: "My_Lib", owners: { create: { userId: user.id } } },
    });
    const release = await db.release.create({
      data: {
        projectId: project.id,
        version: "1.0.0",
        canonicalVersion: "1",
        summary: "A library",
        requiresPython: ">=3.9",
        info: { name: "My_Lib", classifiers: ["Programming Language :: Python :: 3"] },
      },
    });
    const size = 2n ** 40n; // BigInt column: larger than 2^32
    await db.file.create({
      data: {
        releaseId: release.id,
        projectId: project.id,
        indexId: index.id,
        filename: "my_lib-1.0.0-py3-none-any.whl",
        packageType: "bdist_wheel",
        pythonVersion: "py3",
        size,
        sha256: "a".repeat(64),
        md5: "b".repeat(32),
        blake2b256: "c".repeat(64),
        uploaderId: user.id,
        storageKey: "internal/my-lib/my_lib-1.0.0-py3-none-any.whl",
      },
    });
    await db.apiToken.create({
      data: { userId: user.id, prefix: "wh_abc", secretHash: "d".repeat(64), scope: TokenScope.upload },
    });

    const read = await db.project.findUniqueOrThrow({
      where: { indexId_name: { indexId: index.id, name: "my-lib" } },
      include: { index: true, owners: { include: { user: true } }, releases: { include: { files: true } } },
    });
    assert.equal(read.displayName, "My_Lib");
    assert.equal(read.index.kind, "hosted");
    assert.equal(read.owners[0]?.user.username, "alice");
    assert.equal(read.releases.length, 1);
    const [rel] = read.releases;
    assert.deepEqual(rel?.info, { name: "My_Lib", classifiers: ["Programming Language :: Python :: 3"] });
    assert.equal(rel?.yanked, false);
    assert.equal(rel?.files[0]?.size, size);
    assert.equal(rel?.files[0]?.uploaderId, user.id);
    assert.ok(rel?.files[0]?.uploadedAt instanceof Date);
  });

  it("raises Prisma's known errors (P2002 on a duplicate filename)", async () => {
    const index = await db.index.create({ data: { name: "dupes" } });
    const project = await db.project.create({ data: { indexId: index.id, name: "p", displayName: "p" } });
    const release = await db.release.create({
      data: { projectId: project.id, version: "1", canonicalVersion: "1", info: {} },
    });
    const file = {
      releaseId: release.id,
      projectId: project.id,
      indexId: index.id,
      filename: "p-1.tar.gz",
      packageType: "sdist",
      pythonVersion: "source",
      size: 1n,
      sha256: "0".repeat(64),
      md5: "0".repeat(32),
      blake2b256: "0".repeat(64),
      storageKey: "k",
    };
    await db.file.create({ data: file });
    await assert.rejects(db.file.create({ data: file }), (err: unknown) => {
      assert.ok(err instanceof Prisma.PrismaClientKnownRequestError);
      assert.equal(err.code, "P2002");
      return true;
    });
  });

  it("runs interactive transactions", async () => {
    await assert.rejects(
      db.$transaction(async (tx) => {
        await tx.user.create({ data: { username: "rolled-back" } });
        throw new Error("abort");
      }),
      /abort/,
    );
    assert.equal(await db.user.count({ where: { username: "rolled-back" } }), 0);
  });
});
