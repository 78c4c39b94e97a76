import type { Db } from "@wheelhouse/db";
import { canonicalizeName, canonicalizeVersion } from "@wheelhouse/packaging";
import { NotFound } from "../errors.ts";
import type { IndexRow } from "./find-index.ts";

export async function findReleaseOrThrow(db: Db, index: IndexRow, project: string, version: string) {
  const name = canonicalizeName(project);
  let canonicalVersion: string;
  try {
    canonicalVersion = canonicalizeVersion(version);
  } catch {
    throw new NotFound(`No release '${version}' of project '${name}' in index '${index.name}'.`, "no-release");
  }
  const release = await db.release.findFirst({
    where: { canonicalVersion, project: { indexId: index.id, name } },
    include: { files: true, project: true },
  });
  if (!release) throw new NotFound(`No release '${version}' of project '${name}' in index '${index.name}'.`, "no-release");
  return release;
}

export async function findFileOrThrow(db: Db, index: IndexRow, filename: string) {
  const file = await db.file.findUnique({ where: { indexId_filename: { indexId: index.id, filename } }, include: { project: true, release: true } });
  if (!file) throw new NotFound(`No file named '${filename}' in index '${index.name}'.`, "no-file");
  return file;
}
