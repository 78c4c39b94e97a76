import type { TokenScope } from "@wheelhouse/db";

/** Who is making a request, and through what credential. */
export interface Principal {
  user: { id: number; username: string; isAdmin: boolean };
  /** Present when the request authenticated with an API token: its limits apply on top of the user's. */
  token: { id: number; scope: TokenScope; indexId: number | null; projectName: string | null } | null;
}
