import { Router } from "express";
import type { AppDeps } from "../http/deps.ts";

export function healthRoutes(deps: AppDeps): Router {
  const router = Router();
  // Liveness: the process answers.
  router.get("/healthz", (_req, res) => {
    res.json({ status: "ok" });
  });
  // Readiness: the database and object storage answer too.
  router.get("/readyz", async (_req, res) => {
    const checks = await Promise.allSettled([deps.db.$queryRaw`SELECT 1`, deps.store.head("readyz-probe")]);
    const [database, storage] = checks.map((c) => (c.status === "fulfilled" ? "ok" : "unavailable"));
    const ready = database === "ok" && storage === "ok";
    if (!ready) deps.log.warn({ checks: checks.map((c) => (c.status === "rejected" ? String(c.reason) : "ok")) }, "not ready");
    res.status(ready ? 200 : 503).json({ status: ready ? "ok" : "unavailable", database, storage });
  });
  return router;
}
