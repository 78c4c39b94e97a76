// The types the core parts share (the folder map is apps/cli/README.md).
import type { MarkerEnvironment, NormalizedName, Requirement, Tag, Version } from "@wheelhouse/packaging";

/** A file an index or a find-links directory offers. */
export interface DistFile {
  filename: string;
  /** Absolute URL (http(s) or file:). */
  url: string;
  /** Known digests: from the URL fragment or the PEP 691 `hashes`. */
  hashes: Record<string, string>;
  requiresPython: string | null;
  /** PEP 592: false, or the reason ("" = no reason given). */
  yanked: false | string;
  /** PEP 658/714: a `<url>.metadata` exists (with its sha256 when known). */
  coreMetadata: false | { sha256?: string };
  size?: number;
  /** The index page or find-links location it came from (for messages). */
  source: string;
  kind: "wheel" | "sdist";
  /** For wheels: the tags in the filename. */
  tags?: Tag[];
}

/** One version of a project with every file offered for it, across all sources. */
export interface Candidate {
  name: NormalizedName;
  version: Version;
  files: DistFile[];
  /** True when every file of it is yanked. */
  yanked: boolean;
}

/** What the resolver asks of the outside world; answers are values, never I/O of its own. */
export interface ResolverProvider {
  /** Installable versions of a project, newest first (already filtered for the target: tags, requires-python; yanked ones included but marked). */
  candidates(name: NormalizedName): Promise<Candidate[]>;
  /** The dependencies of one candidate (its Requires-Dist), unevaluated. */
  dependencies(candidate: Candidate): Promise<Requirement[]>;
}

/** The interpreter packages are installed for, asked once and cached. */
export interface TargetEnvironment {
  /** Path of the interpreter. */
  python: string;
  /** e.g. "3.11.7". */
  pythonFullVersion: string;
  markers: MarkerEnvironment;
  /**
   * Supported tags as text ("cp311-cp311-manylinux_2_17_x86_64"), most preferred first
   * (packaging.tags.sys_tags order): a thousand of them, compared as text, so never parsed.
   */
  tags: readonly string[];
  /** sysconfig install paths of the chosen scheme. */
  paths: { purelib: string; platlib: string; scripts: string; data: string; include: string };
  /** sys.prefix != sys.base_prefix. */
  isVirtualEnv: boolean;
}

/** A distribution installed in the target (from its .dist-info). */
export interface InstalledDistribution {
  name: NormalizedName;
  displayName: string;
  version: string;
  /** Absolute path of the .dist-info directory. */
  distInfo: string;
  /** Where it is installed (site-packages). */
  location: string;
  requires: Requirement[];
  installer: string | null;
  requested: boolean;
  editable: boolean;
}

/** What the resolver decided: one version per name, with the extras asked of it. */
export interface Resolution {
  pins: Map<NormalizedName, { candidate: Candidate; extras: Set<string>; requestedBy: string[] }>;
}
