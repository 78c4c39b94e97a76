// HTTP Basic through Passport: `user:password` or `__token__:<api token>`, the forms pip
// sends from URL userinfo, netrc or keyring and twine sends from its config.
import type { RequestHandler } from "express";
import passport from "passport";
import { BasicStrategy } from "passport-http";
import type { Principal } from "../auth/principal.ts";
import type { CredentialVerifier } from "../services/verify-credentials.ts";

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** null: no credentials were sent. */
      principal: Principal | null;
      /** Credentials were sent but did not verify; authorization decides between 401 and 403. */
      credentialsRejected: boolean;
    }
  }
}

export function authenticate(credentials: CredentialVerifier): RequestHandler {
  const authenticator = new passport.Passport();
  authenticator.use(
    new BasicStrategy((username, password, done) => {
      credentials.verify(username, password).then(
        (principal) => done(null, principal ?? false),
        (err: unknown) => done(err),
      );
    }),
  );
  return (req, res, next) => {
    req.principal = null;
    req.credentialsRejected = false;
    if (!/^basic /i.test(req.get("authorization") ?? "")) return next();
    authenticator.authenticate("basic", { session: false }, (err: unknown, principal: Principal | false) => {
      if (err) return next(err);
      if (principal) req.principal = principal;
      else req.credentialsRejected = true;
      next();
    })(req, res, next);
  };
}
