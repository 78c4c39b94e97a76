// The manifest (`wheelhouse-bundle.json`, the first tar member) and its validation. The format is
// described in ../README.md; this schema is the authority.
import { createHash } from "node:crypto";
import { z } from "zod";
import { canonicalizeVersion, isNormalizedName } from "@wheelhouse/packaging";
import { invalidBundle, type BundleError } from "./bundle-error.ts";

export const BUNDLE_FORMAT = "wheelhouse-bundle";
export const BUNDLE_VERSION = 1;
export const MANIFEST_MEMBER = "wheelhouse-bundle.json";
export const FILE_MEMBER_PREFIX = "files/";
/** The manifest is read into memory: refuse one larger than this before reading it. */
export const MAX_MANIFEST_BYTES = 256 * 1024 * 1024;

const hex = (digits: number) => z.string().regex(new RegExp(`^[0-9a-f]{${digits}}$`), `must be ${digits} lowercase hex digits`);
const optionalText = z
  .string()
  .nullish()
  .transform((v) => v ?? null);

/** One path segment that is safe as a tar member name and as the last part of a storage key. */
const filename = z
  .string()
  .min(1)
  .max(255)
  .refine((f) => !/[/\\\0]/.test(f) && !f.startsWith(".") && f.trim() === f, "must be a plain file name (no '/', '\\', leading '.' or surrounding spaces)");

const bundleFile = z.object({
  filename,
  packageType: z.string().regex(/^(sdist|bdist_[a-z0-9_]+)$/, "must be 'sdist' or 'bdist_…'"),
  pythonVersion: z.string().min(1),
  size: z.number().int().nonnegative(),
  sha256: hex(64),
  md5: hex(32)
    .nullish()
    .transform((v) => v ?? null),
  blake2b256: hex(64)
    .nullish()
    .transform((v) => v ?? null),
  requiresPython: optionalText,
  yanked: z.boolean(),
  yankedReason: optionalText,
  uploadTime: z.iso.datetime({ offset: true }),
  coreMetadata: optionalText,
  metadataSha256: hex(64)
    .nullish()
    .transform((v) => v ?? null),
});

const bundleRelease = z.object({
  version: z.string().min(1).max(200),
  yanked: z.boolean(),
  yankedReason: optionalText,
  requiresPython: optionalText,
  summary: optionalText,
  info: z.record(z.string(), z.unknown()),
  files: z.array(bundleFile),
});

const bundleProject = z.object({
  name: z.string().refine(isNormalizedName, "must be a PEP 503 normalized project name"),
  displayName: z.string().min(1).max(200),
  releases: z.array(bundleRelease),
});

const bundleManifest = z
  .object({
    format: z.string().refine((f) => f === BUNDLE_FORMAT, `must be "${BUNDLE_FORMAT}"`),
    version: z.unknown().refine((v) => v === BUNDLE_VERSION, `this Wheelhouse reads bundle format version ${BUNDLE_VERSION} only`),
    createdAt: z.iso.datetime({ offset: true }),
    source: z.object({ index: z.string().min(1), registry: z.string().optional() }),
    projects: z.array(bundleProject),
  })
  .superRefine((m, ctx) => {
    const names = new Set<string>();
    const filenames = new Set<string>();
    m.projects.forEach((project, p) => {
      if (names.has(project.name)) ctx.addIssue({ code: "custom", path: ["projects", p, "name"], message: `duplicate project '${project.name}'` });
      names.add(project.name);
      const versions = new Set<string>();
      project.releases.forEach((release, r) => {
        const canonical = canonicalizeVersion(release.version);
        if (versions.has(canonical))
          ctx.addIssue({ code: "custom", path: ["projects", p, "releases", r, "version"], message: `duplicate version '${release.version}'` });
        versions.add(canonical);
        release.files.forEach((file, f) => {
          if (filenames.has(file.filename)) {
            ctx.addIssue({ code: "custom", path: ["projects", p, "releases", r, "files", f, "filename"], message: `duplicate file '${file.filename}'` });
          }
          filenames.add(file.filename);
          if (file.coreMetadata !== null && file.metadataSha256 !== null && sha256Hex(file.coreMetadata) !== file.metadataSha256) {
            ctx.addIssue({ code: "custom", path: ["projects", p, "releases", r, "files", f, "metadataSha256"], message: "does not match coreMetadata" });
          }
        });
      });
    });
  });

export type BundleManifest = z.output<typeof bundleManifest>;
export type BundleProject = BundleManifest["projects"][number];
export type BundleRelease = BundleProject["releases"][number];
export type BundleFile = BundleRelease["files"][number];
/** What an exporter writes: optional fields may be left out. */
export type BundleManifestInput = z.input<typeof bundleManifest>;

/** sha256 of a text as UTF-8, hex (the digest PEP 658 publishes for core metadata). */
export function sha256Hex(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

/** `projects[0].releases[1].files[2].sha256` */
function fieldPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) out += typeof key === "number" ? `[${key}]` : `${out ? "." : ""}${String(key)}`;
  return out || "(manifest)";
}

const MAX_ISSUES_SHOWN = 5;

/** Parses and validates the manifest's JSON text; throws BundleError naming every bad field (up to five). */
export function parseBundleManifest(text: string): BundleManifest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw invalidBundle(`${MANIFEST_MEMBER} is not JSON (${(err as Error).message}).`);
  }
  return validateBundleManifest(json);
}

export function validateBundleManifest(json: unknown): BundleManifest {
  const result = bundleManifest.safeParse(json);
  if (result.success) return result.data;
  throw manifestError(result.error.issues);
}

function manifestError(issues: readonly z.core.$ZodIssue[]): BundleError {
  const shown = issues.slice(0, MAX_ISSUES_SHOWN).map((issue) => `${fieldPath(issue.path)}: ${issue.message}`);
  const more = issues.length > MAX_ISSUES_SHOWN ? ` (and ${issues.length - MAX_ISSUES_SHOWN} more)` : "";
  return invalidBundle(`${MANIFEST_MEMBER}: ${shown.join("; ")}${more}.`);
}

/** Every file of the manifest, in manifest order (the order of the `files/` members). */
export function* manifestFiles(manifest: BundleManifest): Generator<{ project: BundleProject; release: BundleRelease; file: BundleFile }> {
  for (const project of manifest.projects) for (const release of project.releases) for (const file of release.files) yield { project, release, file };
}

export function fileMemberName(filename: string): string {
  return `${FILE_MEMBER_PREFIX}${filename}`;
}
