// Index.syncSelection: what a mirror sync keeps warm. Validated here, with a message that names
// the bad field, both when an admin saves it and when a sync reads it.
import { z } from "zod";
import { InvalidRequirement, parseRequirement } from "@wheelhouse/packaging";

const requirementString = z.string().superRefine((text, ctx) => {
  try {
    parseRequirement(text);
  } catch (err) {
    if (!(err instanceof InvalidRequirement)) throw err;
    ctx.addIssue({ code: "custom", message: err.message });
  }
});

const namePattern = z.string().regex(/^[A-Za-z0-9._*?[\]!-]+$/, "must be a project name or an fnmatch pattern (*, ?, [seq])");

export const syncSelectionSchema = z
  .object({
    /** PEP 508 requirements ("django>=4.2,<6") or bare names; their dependencies are followed. */
    allow: z.array(requirementString).optional(),
    /** Names or fnmatch patterns never mirrored, even as a dependency. */
    block: z.array(namePattern).optional(),
    /** fnmatch patterns over the names the mirror knows or upstream lists; dependencies not followed. */
    patterns: z.array(namePattern).optional(),
    /** requirements.txt text, resolved transitively. */
    requirements: z.string().optional(),
    /** Target Pythons, "3.12". Unset: wheels for any Python are kept. */
    pythons: z.array(z.string().regex(/^3\.\d{1,2}$/, 'must look like "3.12"')).optional(),
    /** Target platform tags, "manylinux_2_17_x86_64", "win_amd64", "macosx_11_0_arm64". Unset: any. */
    platforms: z.array(z.string().regex(/^[a-z0-9_]+$/i, "must be a wheel platform tag such as manylinux_2_17_x86_64")).optional(),
    prereleases: z.boolean().default(false),
    /** Keep only the newest N matching versions (per requirement). */
    latest: z.number().int().positive().optional(),
    /** Skip files larger than this many bytes. */
    maxFileSize: z.number().int().positive().optional(),
    sdists: z.boolean().default(true),
  })
  .strict();

export type SyncSelection = z.output<typeof syncSelectionSchema>;
export type SyncSelectionInput = z.input<typeof syncSelectionSchema>;

export class InvalidSyncSelection extends Error {
  override name = "InvalidSyncSelection";
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`syncSelection.${field}: ${message}`);
  }
}

/** Parses Index.syncSelection (null: an empty selection). Throws InvalidSyncSelection naming the field. */
export function parseSyncSelection(value: unknown): SyncSelection {
  const result = syncSelectionSchema.safeParse(value ?? {});
  if (!result.success) {
    const issue = result.error.issues[0]!;
    let field = issue.path
      .map((p) => (typeof p === "number" ? `[${p}]` : String(p)))
      .join(".")
      .replace(/\.\[/g, "[");
    let message = issue.message;
    if (issue.code === "unrecognized_keys") {
      field = issue.keys[0] ?? "";
      message = "unknown field (expected allow, block, patterns, requirements, pythons, platforms, prereleases, latest, maxFileSize, sdists)";
    }
    throw new InvalidSyncSelection(field || "(root)", message);
  }
  return result.data;
}
