/**
 * pip show's text for installed distributions: its fields (Name, Version, Summary, Home-page,
 * Author, Author-email, License, Location, Requires, Required-by; verbose: Metadata-Version,
 * Installer, Classifiers, Entry-points, Project-URLs; files: Files), and the names not found.
 */
import { canonicalizeName } from "@wheelhouse/packaging";
import type { InspectedEnvironment } from "../../core/environment/inspect-python.ts";
import { activeDependencies, displayVersion } from "../../core/installer/dependencies.ts";
import { declaredFiles, distributionEntryPoints, installedDistributions } from "../../core/installer/installed-distributions.ts";

export async function showText(
  env: InspectedEnvironment,
  query: string[],
  options: { files?: boolean; verbose?: boolean } = {},
): Promise<{ text: string; missing: string[] }> {
  const installed = new Map((await installedDistributions(env)).map((d) => [d.name as string, d]));
  const missing = query.filter((q) => !installed.has(canonicalizeName(q))).sort();
  const lines: string[] = [];
  let printed = 0;
  for (const q of query) {
    const dist = installed.get(canonicalizeName(q));
    if (!dist) continue;
    if (printed++ > 0) lines.push("---");
    const m = dist.metadata;
    const requires = activeDependencies(dist, env.markers)
      .map((r) => r.name)
      .sort(byLower);
    const requiredBy = [...installed.values()]
      .filter((other) => activeDependencies(other, env.markers).some((r) => canonicalizeName(r.name) === dist.name))
      .map((other) => other.metadata.name ?? "UNKNOWN")
      .sort(byLower);
    lines.push(
      `Name: ${dist.displayName}`,
      `Version: ${displayVersion(dist.version)}`,
      `Summary: ${m.summary ?? ""}`,
      `Home-page: ${m.homePage ?? ""}`,
      `Author: ${m.author ?? ""}`,
      `Author-email: ${m.authorEmail ?? ""}`,
      `License: ${m.license ?? ""}`,
      `Location: ${dist.location}`,
    );
    if (dist.editableProjectLocation !== null) lines.push(`Editable project location: ${dist.editableProjectLocation}`);
    lines.push(`Requires: ${requires.join(", ")}`, `Required-by: ${requiredBy.join(", ")}`);
    if (options.verbose) {
      lines.push(`Metadata-Version: ${m.metadataVersion ?? ""}`, `Installer: ${dist.installer ?? ""}`, "Classifiers:");
      for (const c of m.classifiers ?? []) lines.push(`  ${c}`);
      lines.push("Entry-points:");
      for (const l of (await distributionEntryPoints(dist)).text.split(/\r?\n/)) if (l.trim() !== "" || false) lines.push(`  ${l.trim()}`);
      lines.push("Project-URLs:");
      for (const [label, url] of Object.entries(m.projectUrls ?? {})) lines.push(`  ${label}, ${url}`);
    }
    if (options.files) {
      lines.push("Files:");
      const files = await declaredFiles(dist);
      if (files === null) lines.push("Cannot locate RECORD or installed-files.txt");
      else for (const f of files.map(pathlibNormalize).sort(byCodePoint)) lines.push(`  ${f.trim()}`);
    }
  }
  return { text: lines.map((l) => `${l}\n`).join(""), missing };
}

/** `str(pathlib.PurePosixPath(p))`: empty and `.` segments dropped, `..` kept. */
function pathlibNormalize(p: string): string {
  const absolute = p.startsWith("/");
  const parts = p.split("/").filter((s) => s !== "" && s !== ".");
  const joined = parts.join("/");
  return absolute ? `/${joined}` : joined || ".";
}

function byLower(a: string, b: string): number {
  return byCodePoint(a.toLowerCase(), b.toLowerCase());
}

function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
