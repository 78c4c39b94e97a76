// Admin JSON API. Every route: parse → authorize (admin) → call a service → respond.
import { Router, type Request } from "express";
import express from "express";
import { z } from "zod";
import { assertAdmin } from "../auth/authorize.ts";
import { BadRequest } from "../errors.ts";
import type { AppDeps } from "../http/deps.ts";
import { collectGarbage } from "../services/collect-garbage.ts";
import { deleteFile, deleteRelease } from "../services/delete-distributions.ts";
import { findIndexOrThrow } from "../services/find-index.ts";
import { createIndex, describeIndex, updateIndex } from "../services/manage-indexes.ts";
import { createApiToken, createUser, listApiTokens, revokeApiToken } from "../services/manage-users.ts";
import { setFileYanked, setReleaseYanked } from "../services/yank.ts";
import { uploadTmpDir } from "../upload/staging-storage-engine.ts";

const userBody = z.object({ username: z.string(), password: z.string().optional(), isAdmin: z.boolean().optional() }).strict();
const tokenBody = z
  .object({
    username: z.string(),
    scope: z.enum(["read", "upload", "admin"]),
    index: z.string().optional(),
    project: z.string().optional(),
    description: z.string().max(200).optional(),
    expiresAt: z.coerce.date().optional(),
  })
  .strict();
const indexSettings = z
  .object({ anonymousRead: z.boolean().optional(), uploadPolicy: z.enum(["authenticated", "admins"]).optional(), description: z.string().max(500).optional() })
  .strict();
const indexBody = indexSettings.extend({ name: z.string(), kind: z.literal("hosted").optional() }).strict();
const yankBody = z.object({ reason: z.string().max(500).optional() }).strict();

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body ?? {});
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const where = issue.path.length ? `'${issue.path.join(".")}'` : "body";
    throw new BadRequest(`Invalid request ${where}: ${issue.message}.`, "bad-request");
  }
  return result.data;
}

export function adminRoutes(deps: AppDeps): Router {
  const router = Router();
  router.use(express.json({ limit: "100kb" }));
  router.use((req, _res, next) => {
    assertAdmin(req);
    next();
  });
  const actor = (req: Request) => req.principal!.user;
  const param = (req: Request, name: string) => req.params[name] as string;

  router.post("/users", async (req, res) => {
    const body = parse(userBody, req.body);
    const created = await createUser(deps.db, actor(req), body);
    // The password is shown once, and only when the server generated it.
    res.status(201).json(body.password ? { username: created.username } : created);
  });

  router.get("/tokens", async (req, res) => {
    res.json(await listApiTokens(deps.db, typeof req.query.username === "string" ? req.query.username : undefined));
  });
  router.post("/tokens", async (req, res) => {
    res.status(201).json(await createApiToken(deps.db, actor(req), parse(tokenBody, req.body)));
  });
  router.delete("/tokens/:prefix", async (req, res) => {
    await revokeApiToken(deps.db, actor(req), param(req, "prefix"));
    res.status(204).end();
  });

  router.get("/indexes", async (_req, res) => {
    res.json((await deps.db.index.findMany({ orderBy: { name: "asc" } })).map(describeIndex));
  });
  router.post("/indexes", async (req, res) => {
    const { name, kind: _kind, ...settings } = parse(indexBody, req.body);
    res.status(201).json(describeIndex(await createIndex(deps.db, actor(req), name, settings)));
  });
  router.patch("/indexes/:index", async (req, res) => {
    res.json(describeIndex(await updateIndex(deps.db, actor(req), param(req, "index"), parse(indexSettings, req.body))));
  });

  router.post("/indexes/:index/releases/:project/:version/yank", async (req, res) => {
    const index = await findIndexOrThrow(deps.db, param(req, "index"));
    await setReleaseYanked(deps.db, actor(req), index, param(req, "project"), param(req, "version"), true, parse(yankBody, req.body).reason);
    res.status(204).end();
  });
  router.delete("/indexes/:index/releases/:project/:version/yank", async (req, res) => {
    const index = await findIndexOrThrow(deps.db, param(req, "index"));
    await setReleaseYanked(deps.db, actor(req), index, param(req, "project"), param(req, "version"), false);
    res.status(204).end();
  });
  router.delete("/indexes/:index/releases/:project/:version", async (req, res) => {
    const index = await findIndexOrThrow(deps.db, param(req, "index"));
    await deleteRelease(deps, actor(req), index, param(req, "project"), param(req, "version"));
    res.status(204).end();
  });
  router.post("/indexes/:index/files/:filename/yank", async (req, res) => {
    const index = await findIndexOrThrow(deps.db, param(req, "index"));
    await setFileYanked(deps.db, actor(req), index, param(req, "filename"), true, parse(yankBody, req.body).reason);
    res.status(204).end();
  });
  router.delete("/indexes/:index/files/:filename/yank", async (req, res) => {
    const index = await findIndexOrThrow(deps.db, param(req, "index"));
    await setFileYanked(deps.db, actor(req), index, param(req, "filename"), false);
    res.status(204).end();
  });
  router.delete("/indexes/:index/files/:filename", async (req, res) => {
    const index = await findIndexOrThrow(deps.db, param(req, "index"));
    await deleteFile(deps, actor(req), index, param(req, "filename"));
    res.status(204).end();
  });

  router.post("/gc", async (req, res) => {
    const graceSeconds = parse(z.object({ graceSeconds: z.number().int().min(0).optional() }).strict(), req.body).graceSeconds;
    const report = await collectGarbage({ db: deps.db, store: deps.store, uploadTmpDir: uploadTmpDir(deps.config.dataDir) }, graceSeconds === undefined ? undefined : graceSeconds * 1000);
    deps.log.info({ report, by: actor(req).username }, "garbage collected");
    res.json(report);
  });

  router.get("/audit", async (req, res) => {
    const q = (k: string) => (typeof req.query[k] === "string" ? (req.query[k] as string) : undefined);
    const limit = Math.min(Number(q("limit") ?? 100) || 100, 1000);
    const events = await deps.db.auditEvent.findMany({
      where: { indexName: q("index"), projectName: q("project"), action: q("action") },
      orderBy: { id: "desc" },
      take: limit,
    });
    res.json(events);
  });

  return router;
}
