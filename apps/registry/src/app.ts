// The Express app: routes receive their services; drivers are built by server.ts.
import express, { type Express } from "express";
import { errorHandler, notFoundHandler } from "./http/error-handler.ts";
import { authenticate } from "./http/authenticate.ts";
import { edgeValidation } from "./http/edge-validation.ts";
import { requestLog } from "./http/request-log.ts";
import type { AppDeps } from "./http/deps.ts";
import { adminRoutes } from "./routes/admin-routes.ts";
import { advisoryAdminRoutes } from "./routes/advisory-admin-routes.ts";
import { advisoryQueryRoutes } from "./routes/advisory-query-routes.ts";
import { cliRoutes } from "./routes/cli-routes.ts";
import { bundleRoutes } from "./routes/bundle-routes.ts";
import { fileRoutes } from "./routes/file-routes.ts";
import { healthRoutes } from "./routes/health-routes.ts";
import { jsonApiRoutes } from "./routes/json-api-routes.ts";
import { searchRoutes } from "./routes/search-routes.ts";
import { simpleRoutes } from "./routes/simple-routes.ts";
import { uploadRoutes } from "./routes/upload-routes.ts";

export type { AppDeps };

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("etag", false); // pages and files set their own, cheaper, ETags
  app.set("trust proxy", "loopback, linklocal, uniquelocal");
  app.use(requestLog(deps.log));
  // Before every route: a path or query no layer behind could take is a 400 here, never a 500 there.
  app.use(edgeValidation);
  app.use(healthRoutes(deps));
  app.use(cliRoutes());
  app.use(authenticate(deps.credentials));
  // Before the admin router: bundle imports stream their body, which its JSON parser must not touch.
  app.use("/api/admin/bundles", bundleRoutes(deps));
  // Likewise advisory imports (a zip body).
  app.use("/api/admin/advisories", advisoryAdminRoutes(deps));
  app.use("/api/admin", adminRoutes(deps));
  app.use(advisoryQueryRoutes(deps));
  app.use(jsonApiRoutes(deps));
  app.use(searchRoutes(deps));
  app.use(simpleRoutes(deps));
  app.use(fileRoutes(deps));
  app.use(uploadRoutes(deps));
  app.use(notFoundHandler);
  app.use(errorHandler(deps.log));
  return app;
}
