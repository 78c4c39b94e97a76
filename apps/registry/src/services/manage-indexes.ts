// Creating and changing indexes of the three kinds: hosted (uploads), mirror (an upstream
// Simple API) and group (an ordered list of members).
import type { SeverityLevel } from "@wheelhouse/advisories";
import { recordAuditEvent, Prisma, type Db, type IndexKind } from "@wheelhouse/db";
import { canonicalizeName } from "@wheelhouse/packaging";
import { InvalidSyncSelection, parseSyncSelection } from "@wheelhouse/mirror";
import { BadRequest, Conflict } from "../errors.ts";
import type { AdvisoryPolicy } from "./advisory-policy.ts";
import type { IndexRow } from "./find-index.ts";
import { findIndexOrThrow } from "./find-index.ts";
import { groupMembers, reachableIndexes } from "./group-members.ts";

/** First path segments the registry itself uses; an index by that name would be unreachable. */
// ("pypi" stays free: DESIGN names the usual mirror so. Its JSON API, /pypi/pypi/<p>/json, has the
// shape of the default index's release URL; routes/json-api-routes.ts gives that URL to the index.)
const RESERVED = new Set(["simple", "api", "cli", "legacy", "files", "healthz", "readyz", "static", "admin", "login", "logout"]);
const INDEX_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;

type Actor = { id: number; username: string } | null;

export interface IndexSettings {
  anonymousRead?: boolean;
  uploadPolicy?: "authenticated" | "admins";
  description?: string;
  /** Files with known vulnerabilities: served ("off"), served with a warning ("warn") or refused ("refuse"). */
  advisoryPolicy?: AdvisoryPolicy;
  /** The lowest advisory severity the policy acts on. */
  advisoryMinSeverity?: SeverityLevel;
  // mirror
  upstreamUrl?: string;
  upstreamUsername?: string | null;
  upstreamPassword?: string | null;
  /** Hosts ("host" or "host:port") besides the upstream's origin that its file URLs and redirects may lead to. */
  upstreamFileHosts?: string[];
  pageTtlSeconds?: number;
  quarantineDays?: number;
  quarantineExceptions?: string[];
  syncSelection?: Prisma.InputJsonValue | null;
  syncIntervalSeconds?: number | null;
  // group
  members?: string[];
  uploadTarget?: string | null;
  passThroughNames?: string[];
}

const MIRROR_ONLY = [
  "upstreamUrl",
  "upstreamUsername",
  "upstreamPassword",
  "upstreamFileHosts",
  "pageTtlSeconds",
  "quarantineDays",
  "quarantineExceptions",
  "syncSelection",
  "syncIntervalSeconds",
] as const;
const GROUP_ONLY = ["members", "uploadTarget", "passThroughNames"] as const;

function checkKindFields(kind: IndexKind, settings: IndexSettings): void {
  const misplaced = [
    ...(kind === "mirror" ? [] : MIRROR_ONLY.filter((k) => settings[k] !== undefined)),
    ...(kind === "group" ? [] : GROUP_ONLY.filter((k) => settings[k] !== undefined)),
  ];
  if (misplaced.length > 0) throw new BadRequest(`'${misplaced[0]}' does not apply to a ${kind} index.`, "bad-index-setting");
}

function upstreamUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new BadRequest(`Invalid upstreamUrl '${url}': give the Simple API root, e.g. https://pypi.org/simple/.`, "bad-upstream");
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw new BadRequest(`Invalid upstreamUrl '${url}': use http or https.`, "bad-upstream");
  if (parsed.username || parsed.password)
    throw new BadRequest("Put upstream credentials in upstreamUsername and upstreamPassword, not in the URL.", "bad-upstream");
  return parsed.href.endsWith("/") ? parsed.href : `${parsed.href}/`;
}

/** An upstreamFileHosts entry: a host name or address, with an optional port, nothing else. */
function fileHost(entry: string): string {
  const host = entry.trim().toLowerCase();
  let parsed: URL | null = null;
  try {
    parsed = new URL(`http://${host}`);
  } catch {
    // reported below
  }
  if (!parsed || host === "" || parsed.host !== host.replace(/:80$/, "") || parsed.username || parsed.password) {
    throw new BadRequest(
      `Invalid upstreamFileHosts entry '${entry}': give a host, optionally with a port (files.pythonhosted.org, cdn.example.com:8443).`,
      "bad-upstream",
    );
  }
  return parsed.host;
}

/** PyPI's pages link to its file host: a mirror of PyPI may fetch from it unless told otherwise. */
function defaultFileHosts(url: string | undefined): string[] {
  return url !== undefined && new URL(upstreamUrl(url)).host === "pypi.org" ? ["files.pythonhosted.org"] : [];
}

/** The row fields a settings object sets, members aside (they live in IndexMember). */
function rowData(kind: IndexKind, self: string, settings: IndexSettings, memberRows: IndexRow[] | null): Prisma.IndexUncheckedUpdateInput {
  checkKindFields(kind, settings);
  const { members: _members, uploadTarget, upstreamUrl: url, quarantineExceptions, passThroughNames, syncSelection, ...rest } = settings;
  const data: Prisma.IndexUncheckedUpdateInput = { ...rest };
  if (url !== undefined) data.upstreamUrl = upstreamUrl(url);
  if (settings.upstreamFileHosts !== undefined) data.upstreamFileHosts = settings.upstreamFileHosts.map(fileHost);
  if (quarantineExceptions !== undefined) data.quarantineExceptions = quarantineExceptions.map((n) => canonicalizeName(n));
  if (passThroughNames !== undefined) data.passThroughNames = passThroughNames.map((n) => canonicalizeName(n));
  if (syncSelection !== undefined) data.syncSelection = syncSelection === null ? Prisma.DbNull : validSelection(syncSelection);
  if (uploadTarget !== undefined) {
    if (uploadTarget === null) data.uploadTargetId = null;
    else {
      const members = memberRows ?? [];
      const target = members.find((m) => m.name === uploadTarget);
      if (target?.kind !== "hosted") {
        throw new BadRequest(`The upload target '${uploadTarget}' must be a hosted member of group '${self}'.`, "bad-upload-target");
      }
      data.uploadTargetId = target.id;
    }
  }
  return data;
}

function validSelection(selection: Prisma.InputJsonValue): Prisma.InputJsonValue {
  try {
    parseSyncSelection(selection);
  } catch (err) {
    if (err instanceof InvalidSyncSelection) throw new BadRequest(`Invalid ${err.message}`, "bad-selection");
    throw err;
  }
  return selection;
}

async function resolveMembers(db: Db, self: string, names: string[]): Promise<IndexRow[]> {
  if (new Set(names).size !== names.length) throw new BadRequest("A group lists each member once.", "bad-members");
  const members: IndexRow[] = [];
  for (const name of names) {
    if (name === self) throw new BadRequest(`Group '${self}' cannot be its own member.`, "bad-members");
    const member = await db.index.findUnique({ where: { name } });
    if (!member) throw new BadRequest(`No index named '${name}' to add to group '${self}'.`, "bad-members");
    // A member group that reaches this group back would make resolution loop.
    if (member.kind === "group" && (await reachableIndexes(db, member)).some((i) => i.name === self)) {
      throw new BadRequest(`Adding '${name}' to '${self}' would make a cycle of groups.`, "bad-members");
    }
    members.push(member);
  }
  return members;
}

export async function createIndex(db: Db, actor: Actor, name: string, settings: IndexSettings = {}, kind: IndexKind = "hosted"): Promise<IndexRow> {
  if (!INDEX_NAME.test(name)) throw new BadRequest(`Invalid index name '${name}': use lowercase letters, digits, '.', '_' or '-'.`, "bad-index-name");
  if (RESERVED.has(name)) throw new BadRequest(`The index name '${name}' is reserved.`, "bad-index-name");
  if (kind === "mirror" && !settings.upstreamUrl) throw new BadRequest("A mirror index needs an upstreamUrl, e.g. https://pypi.org/simple/.", "bad-upstream");
  if (await db.index.findUnique({ where: { name } })) throw new Conflict(`An index named '${name}' already exists.`, "index-exists");
  const members = kind === "group" ? await resolveMembers(db, name, settings.members ?? []) : null;
  const data = rowData(kind, name, settings, members);
  if (kind === "mirror" && settings.upstreamFileHosts === undefined) data.upstreamFileHosts = defaultFileHosts(settings.upstreamUrl);
  return db.$transaction(async (tx) => {
    const index = await tx.index.create({ data: { ...(data as Prisma.IndexUncheckedCreateInput), name, kind } });
    if (members) await tx.indexMember.createMany({ data: members.map((m, position) => ({ groupId: index.id, memberId: m.id, position })) });
    await recordAuditEvent(tx, { actor, action: "index.create", indexName: name, details: auditable(kind, settings) });
    return index;
  });
}

export async function updateIndex(db: Db, actor: Actor, name: string, settings: IndexSettings): Promise<IndexRow> {
  const index = await findIndexOrThrow(db, name);
  const members = index.kind === "group" ? (settings.members ? await resolveMembers(db, name, settings.members) : await groupMembers(db, index.id)) : null;
  const data = rowData(index.kind, name, settings, members);
  if (settings.members && index.uploadTargetId !== null && settings.uploadTarget === undefined && !members!.some((m) => m.id === index.uploadTargetId)) {
    data.uploadTargetId = null; // the upload target left the group
  }
  return db.$transaction(async (tx) => {
    const updated = await tx.index.update({ where: { id: index.id }, data });
    if (settings.members) {
      await tx.indexMember.deleteMany({ where: { groupId: index.id } });
      await tx.indexMember.createMany({ data: members!.map((m, position) => ({ groupId: index.id, memberId: m.id, position })) });
    }
    await recordAuditEvent(tx, { actor, action: "index.update", indexName: name, details: auditable(index.kind, settings) });
    return updated;
  });
}

/** Settings as the audit log keeps them: never the upstream password. */
function auditable(kind: IndexKind, settings: IndexSettings): Prisma.InputJsonObject {
  const { upstreamPassword, ...rest } = settings;
  return { kind, ...(rest as Prisma.InputJsonObject), ...(upstreamPassword === undefined ? {} : { upstreamPassword: "<set>" }) };
}

export async function describeIndex(db: Db, index: IndexRow) {
  const base = {
    name: index.name,
    kind: index.kind,
    description: index.description,
    anonymousRead: index.anonymousRead,
    uploadPolicy: index.uploadPolicy,
    advisoryPolicy: index.advisoryPolicy,
    advisoryMinSeverity: index.advisoryMinSeverity,
    createdAt: index.createdAt,
  };
  if (index.kind === "mirror") {
    return {
      ...base,
      upstreamUrl: index.upstreamUrl,
      upstreamUsername: index.upstreamUsername,
      upstreamPassword: index.upstreamPassword ? "<set>" : null,
      upstreamFileHosts: index.upstreamFileHosts,
      pageTtlSeconds: index.pageTtlSeconds,
      quarantineDays: index.quarantineDays,
      quarantineExceptions: index.quarantineExceptions,
      syncSelection: index.syncSelection,
      syncIntervalSeconds: index.syncIntervalSeconds,
    };
  }
  if (index.kind === "group") {
    const members = await groupMembers(db, index.id);
    return {
      ...base,
      members: members.map((m) => m.name),
      uploadTarget: members.find((m) => m.id === index.uploadTargetId)?.name ?? null,
      passThroughNames: index.passThroughNames,
    };
  }
  return base;
}
