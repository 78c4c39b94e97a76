// Who may do what. Pure decisions over a principal and the rows involved; callers pass
// what they loaded, nothing here touches the database.
import type { Principal } from "./principal.ts";
import { Forbidden, Unauthenticated } from "../errors.ts";

interface IndexAccess {
  id: number;
  name: string;
  anonymousRead: boolean;
  uploadPolicy: string;
}

export interface RequestCredentials {
  principal: Principal | null;
  credentialsRejected: boolean;
}

function tokenReachesIndex(principal: Principal, index: IndexAccess): boolean {
  return principal.token === null || principal.token.indexId === null || principal.token.indexId === index.id;
}

/**
 * Whether the reader may read `index`, reached from the URL's index through the groups `via`
 * (the URL's index first). A public index anyone may read; a private one any user whose token,
 * if scoped, is scoped to it or to a group on the way (a token for a group reads through it).
 * Through a group this is asked of every member, so a public group never lends its openness to
 * a private member.
 */
function mayRead(creds: RequestCredentials, index: IndexAccess, via: readonly IndexAccess[] = []): boolean {
  if (index.anonymousRead) return true;
  const { principal } = creds;
  return principal !== null && [index, ...via].some((i) => tokenReachesIndex(principal, i));
}

/** mayRead for one request, in the shape group walks take (services/group-members.ts). */
export function readAccess(creds: RequestCredentials): (index: IndexAccess, via: readonly IndexAccess[]) => boolean {
  return (index, via) => mayRead(creds, index, via);
}

/**
 * Whether an answer built for this reader may be kept by shared caches: only what an anonymous
 * reader of a public index sees. (A signed-in reader of a public group may see private members.)
 */
export function isSharedAnswer(creds: RequestCredentials, index: IndexAccess): boolean {
  return index.anonymousRead && creds.principal === null;
}

export function assertCanRead(creds: RequestCredentials, index: IndexAccess): void {
  const { principal } = creds;
  // Public indexes ignore credentials on reads, as PyPI does.
  if (index.anonymousRead) return;
  // A 401 (never a 403) lets pip fall back to keyring and retry with other credentials.
  if (!principal) throw new Unauthenticated(creds.credentialsRejected ? "Invalid credentials." : "Authentication required.");
  if (!tokenReachesIndex(principal, index)) {
    throw new Forbidden(`This token may not read index '${index.name}'.`);
  }
}

/** Index-level check, done before the body of an upload is read. */
export function assertMayUploadToIndex(creds: RequestCredentials, index: IndexAccess): Principal {
  const { principal } = creds;
  if (creds.credentialsRejected) {
    throw new Forbidden("Invalid or non-existent authentication information.", "invalid-credentials");
  }
  if (!principal) throw new Unauthenticated("Authentication required to upload.");
  if (principal.token && principal.token.scope === "read") {
    throw new Forbidden("This token is read-only: it may not upload.", "token-scope");
  }
  if (!tokenReachesIndex(principal, index)) {
    throw new Forbidden(`This token is not scoped to index '${index.name}'.`, "token-scope");
  }
  assertUploadPolicy(principal, index);
  return principal;
}

/** The index's own rule on who uploads (also checked on a group's upload target). */
export function assertUploadPolicy(principal: Principal, index: Pick<IndexAccess, "name" | "uploadPolicy">): void {
  if (index.uploadPolicy === "admins" && !principal.user.isAdmin) {
    throw new Forbidden(`Only administrators may upload to index '${index.name}'.`);
  }
}

/** Project-level check, once the upload's project name is known. */
export function assertMayUploadToProject(
  principal: Principal,
  project: { name: string; displayName: string; ownerIds: number[] } | null,
  normalizedName: string,
): void {
  if (principal.token?.projectName && principal.token.projectName !== normalizedName) {
    throw new Forbidden(`This token is scoped to project '${principal.token.projectName}', not '${normalizedName}'.`, "token-scope");
  }
  if (project && !principal.user.isAdmin && !project.ownerIds.includes(principal.user.id)) {
    throw new Forbidden(`The user '${principal.user.username}' isn't allowed to upload to project '${project.displayName}'.`, "not-owner");
  }
}

export function assertAdmin(creds: RequestCredentials): Principal {
  const { principal } = creds;
  if (!principal) {
    if (creds.credentialsRejected) throw new Forbidden("Invalid credentials.", "invalid-credentials");
    throw new Unauthenticated("Authentication required.");
  }
  if (!principal.user.isAdmin) throw new Forbidden("Administrator rights required.", "not-admin");
  if (principal.token && principal.token.scope !== "admin") {
    throw new Forbidden("This token has no admin scope.", "token-scope");
  }
  return principal;
}
