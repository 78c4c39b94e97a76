// What the install pipeline plans for one pin: read by the installer steps, `wheel`, and the installation report.
import type { NormalizedName } from "@wheelhouse/packaging";
import type { LocalProject } from "../core/build/sdist-builder.ts";
import type { Candidate, DistFile } from "../core/types.ts";

/** One pin to fetch and install (or, for `wheel`, to save). */
export interface Planned {
  candidate: Candidate;
  name: NormalizedName;
  displayName: string;
  version: string;
  file: DistFile;
  /** The user's --hash values for it (requirements and constraints). */
  hashes: Record<string, string[]>;
  label: string;
  requested: boolean;
  /** The URL it was asked for by, when it is a direct reference. */
  directUrl: string | null;
  /** The project directory it is built from (in place; editable with `-e`), when it is one. */
  local?: LocalProject;
  /** The extras the user asked for it with. */
  requestedExtras: string[];
  /** Its METADATA, once planned (for the installation report). */
  metadataText: string | null;
}
