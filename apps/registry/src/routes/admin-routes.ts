// Admin JSON API. Every route: parse → authorize (admin) → call a service → respond.
import { Router, type Request } from "express";
import { z } from "zod";
import { SEVERITY_LEVELS } from "@wheelhouse/advisories";
import { assertAdmin } from "../auth/authorize.ts";
import { BadRequest } from "../errors.ts";
import type { AppDeps } from "../http/deps.ts";
import { jsonBody } from "../http/json-body.ts";
import { parseBody } from "../http/parse-body.ts";
import { ADVISORY_POLICIES } from "../services/advisory-policy.ts";
import { collectGarbage } from "../services/collect-garbage.ts";
import { deleteFile, deleteRelease } from "../services/delete-distributions.ts";
import { findIndexOrThrow } from "../services/find-index.ts";
import { listAuditEvents } from "../services/list-audit-events.ts";
import { jobStatus, listSyncRuns, syncMirrorSchedules, triggerMirrorSync } from "../jobs/index.ts";
import { createIndex, describeIndex, updateIndex, type IndexSettings } from "../services/manage-indexes.ts";
import { createApiToken, createUser, listApiTokens, revokeApiToken } from "../services/manage-users.ts";
import { setFileYanked, setReleaseYanked } from "../services/yank.ts";
import { uploadTmpDir } from "../upload/staging-storage-engine.ts";
import { pageLimit } from "../http/page-limit.ts";

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
const nameList = z.array(z.string().min(1).max(200)).max(1000);
const indexSettings = z
  .object({
    anonymousRead: z.boolean().optional(),
    uploadPolicy: z.enum(["authenticated", "admins"]).optional(),
    description: z.string().max(500).optional(),
    advisoryPolicy: z.enum(ADVISORY_POLICIES).optional(),
    advisoryMinSeverity: z.enum(SEVERITY_LEVELS).optional(),
    upstreamUrl: z.string().max(2000).optional(),
    upstreamUsername: z.string().max(200).nullable().optional(),
    upstreamPassword: z.string().max(2000).nullable().optional(),
    upstreamFileHosts: nameList.optional(),
    pageTtlSeconds: z.number().int().min(0).max(31_536_000).optional(),
    quarantineDays: z.number().int().min(0).max(3650).optional(),
    quarantineExceptions: nameList.optional(),
    syncSelection: z.record(z.string(), z.unknown()).nullable().optional(),
    syncIntervalSeconds: z.number().int().min(60).nullable().optional(),
    members: nameList.optional(),
    uploadTarget: z.string().nullable().optional(),
    passThroughNames: nameList.optional(),
  })
  .strict();
const indexBody = indexSettings.extend({ name: z.string(), kind: z.enum(["hosted", "mirror", "group"]).optional() }).strict();
const yankBody = z.object({ reason: z.string().max(500).optional() }).strict();

export function adminRoutes(deps: AppDeps): Router {
  const router = Router();
  // Authorize before the body is read: a refused client is never sent `100 Continue`.
  router.use((req, _res, next) => {
    assertAdmin(req);
    next();
  });
  router.use(jsonBody("100kb"));
  const actor = (req: Request) => req.principal!.user;
  const param = (req: Request, name: string) => req.params[name] as string;

  router.post("/users", async (req, res) => {
    const body = parseBody(userBody, req.body);
    const created = await createUser(deps.db, actor(req), body);
    // The password is shown once, and only when the server generated it.
    res.status(201).json(body.password ? { username: created.username } : created);
  });

  router.get("/tokens", async (req, res) => {
    res.json(await listApiTokens(deps.db, typeof req.query.username === "string" ? req.query.username : undefined));
  });
  router.post("/tokens", async (req, res) => {
    res.status(201).json(await createApiToken(deps.db, actor(req), parseBody(tokenBody, req.body)));
  });
  router.delete("/tokens/:prefix", async (req, res) => {
    await revokeApiToken(deps.db, actor(req), param(req, "prefix"));
    res.status(204).end();
  });

  router.get("/indexes", async (_req, res) => {
    const indexes = await deps.db.index.findMany({ orderBy: { name: "asc" } });
    res.json(await Promise.all(indexes.map((index) => describeIndex(deps.db, index))));
  });
  router.get("/indexes/:index", async (req, res) => {
    res.json(await describeIndex(deps.db, await findIndexOrThrow(deps.db, param(req, "index"))));
  });
  router.post("/indexes", async (req, res) => {
    const { name, kind, ...settings } = parseBody(indexBody, req.body);
    const index = await createIndex(deps.db, actor(req), name, settings as IndexSettings, kind);
    if (index.kind === "mirror") await syncMirrorSchedules(deps.queue, deps.db);
    res.status(201).json(await describeIndex(deps.db, index));
  });
  router.patch("/indexes/:index", async (req, res) => {
    const index = await updateIndex(deps.db, actor(req), param(req, "index"), parseBody(indexSettings, req.body) as IndexSettings);
    if (index.kind === "mirror") await syncMirrorSchedules(deps.queue, deps.db);
    res.json(await describeIndex(deps.db, index));
  });

  router.post("/indexes/:index/releases/:project/:version/yank", async (req, res) => {
    const index = await findIndexOrThrow(deps.db, param(req, "index"));
    await setReleaseYanked(deps.db, actor(req), index, param(req, "project"), param(req, "version"), true, parseBody(yankBody, req.body).reason);
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
    await setFileYanked(deps.db, actor(req), index, param(req, "filename"), true, parseBody(yankBody, req.body).reason);
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
    const graceSeconds = parseBody(z.object({ graceSeconds: z.number().int().min(0).optional() }).strict(), req.body).graceSeconds;
    const report = await collectGarbage(
      { db: deps.db, store: deps.store, uploadTmpDir: uploadTmpDir(deps.config.dataDir) },
      graceSeconds === undefined ? undefined : graceSeconds * 1000,
    );
    deps.log.info({ report, by: actor(req).username }, "garbage collected");
    res.json(report);
  });

  router.post("/indexes/:index/sync", async (req, res) => {
    const index = await findIndexOrThrow(deps.db, param(req, "index"));
    if (index.kind !== "mirror") throw new BadRequest(`Index '${index.name}' is a ${index.kind} index: only mirrors sync.`, "not-mirror");
    const queued = await triggerMirrorSync(deps.queue, index.id);
    res.status(202).json({ queued, message: queued ? "Sync queued." : "A sync of this index is already queued or running." });
  });
  router.get("/indexes/:index/syncs", async (req, res) => {
    const index = await findIndexOrThrow(deps.db, param(req, "index"));
    res.json(await listSyncRuns(deps.db, index.id, pageLimit(req.query.limit, 20, 200)));
  });
  router.get("/jobs", async (req, res) => {
    res.json(await jobStatus(deps.queue, Math.min(Number(req.query.failures ?? 20) || 20, 200)));
  });

  router.get("/audit", async (req, res) => {
    const q = (k: string) => (typeof req.query[k] === "string" ? (req.query[k] as string) : undefined);
    res.json(
      await listAuditEvents(deps.db, {
        index: q("index"),
        project: q("project"),
        action: q("action"),
        limit: q("limit") === undefined ? undefined : Number(q("limit")),
      }),
    );
  });

  return router;
}
