// The `wheelhouse` installer as one file, for machines that have Node but not this repository:
//   curl -o wheelhouse.mjs https://pypi.corp/cli/wheelhouse.mjs && node wheelhouse.mjs install …
import { Router } from "express";
import { stat } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { NotFound } from "../errors.ts";

const BUILT_CLI = fileURLToPath(new URL("../../../cli/dist/wheelhouse.mjs", import.meta.url));

export function cliRoutes(): Router {
  const router = Router();
  router.get("/cli/wheelhouse.mjs", async (_req, res) => {
    const info = await stat(BUILT_CLI).catch(() => null);
    if (!info) throw new NotFound("The CLI has not been built on this server: run `npm run build:cli`.", "no-cli");
    res.setHeader("Cache-Control", "public, max-age=300");
    res.type("text/javascript");
    res.sendFile(BUILT_CLI);
  });
  return router;
}
