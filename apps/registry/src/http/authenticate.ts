// HTTP Basic through Passport: `user:password` or `__token__:<api token>`, the forms pip
// sends from URL userinfo, netrc or keyring and twine sends from its config. The strategy is
// our own rather than passport-http's BasicStrategy: that one splits the credentials at every
// colon, so a password containing ':' could never log in (RFC 7617 splits at the first one;
// auth/basic-credentials.ts reads the header so). services/verify-credentials.ts checks what it holds.
import type { Request, RequestHandler } from "express";
import passport from "passport";
import { parseBasicAuthorization } from "../auth/basic-credentials.ts";
import type { Principal } from "../auth/principal.ts";
import type { CredentialVerifier } from "../services/verify-credentials.ts";

declare global {
  namespace Express {
    interface Request {
      /** null: no credentials were sent. */
      principal: Principal | null;
      /** Credentials were sent but did not verify; authorization decides between 401 and 403. */
      credentialsRejected: boolean;
    }
  }
}

/** A Passport strategy for RFC 7617 Basic credentials; no header (or another scheme) passes. */
class BasicCredentialsStrategy implements passport.Strategy {
  readonly name = "basic";
  constructor(readonly credentials: CredentialVerifier) {}

  authenticate(this: passport.StrategyCreated<BasicCredentialsStrategy>, req: Request): void {
    let given: ReturnType<typeof parseBasicAuthorization>;
    try {
      given = parseBasicAuthorization(req.get("authorization"));
    } catch (err) {
      this.error(err);
      return;
    }
    if (!given) {
      this.pass();
      return;
    }
    this.credentials.verify(given.username, given.password).then(
      (principal) => (principal ? this.success(principal) : this.fail()),
      (err: unknown) => this.error(err),
    );
  }
}

export function authenticate(credentials: CredentialVerifier): RequestHandler {
  const authenticator = new passport.Passport();
  authenticator.use(new BasicCredentialsStrategy(credentials));
  return (req, res, next) => {
    req.principal = null;
    req.credentialsRejected = false;
    authenticator.authenticate("basic", { session: false }, (err: unknown, principal: Principal | false) => {
      if (err) return next(err);
      if (principal) req.principal = principal;
      else req.credentialsRejected = true;
      next();
    })(req, res, next);
  };
}
