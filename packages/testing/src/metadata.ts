// Core metadata text for test distributions: METADATA of a wheel, PKG-INFO of an sdist.

export interface ProjectSpec {
  /** As written in `Name:`; filenames use distName(name). */
  name: string;
  version: string;
  /** `Summary:`, only when given. */
  summary?: string;
  requiresPython?: string;
  providesExtra?: string[];
  requiresDist?: string[];
  /** More header lines (`Home-page: …`), after the ones above. */
  headers?: string[];
  /** The body after the headers and a blank line; none when absent. */
  description?: string;
  /** Default "2.1". */
  metadataVersion?: string;
}

/** The name as filenames spell it (PEP 427 / PEP 625): runs of `-`, `_` and `.` become `_`. */
export function distName(name: string): string {
  return name.replace(/[-_.]+/g, "_");
}

/** `Metadata-Version`, `Name`, `Version`, then the optional headers in ProjectSpec's order; the description after a blank line. */
export function metadataText(spec: ProjectSpec): string {
  const lines = [`Metadata-Version: ${spec.metadataVersion ?? "2.1"}`, `Name: ${spec.name}`, `Version: ${spec.version}`];
  if (spec.summary !== undefined) lines.push(`Summary: ${spec.summary}`);
  if (spec.requiresPython !== undefined) lines.push(`Requires-Python: ${spec.requiresPython}`);
  for (const extra of spec.providesExtra ?? []) lines.push(`Provides-Extra: ${extra}`);
  for (const dep of spec.requiresDist ?? []) lines.push(`Requires-Dist: ${dep}`);
  lines.push(...(spec.headers ?? []));
  const headers = `${lines.join("\n")}\n`;
  return spec.description === undefined ? headers : `${headers}\n${spec.description}`;
}
