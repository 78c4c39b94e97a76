import type { File } from "@wheelhouse/db";
import { MirrorFileNotFound } from "./errors.ts";
import type { MirrorContext, MirrorIndexRow } from "./mirror-deps.ts";

/** The File row, checked to belong to the index. Throws MirrorFileNotFound. */
export async function loadMirrorFile(deps: Pick<MirrorContext, "db">, index: MirrorIndexRow, fileId: number): Promise<File> {
  const file = await deps.db.file.findUnique({ where: { id: fileId } });
  if (!file || file.indexId !== index.id) throw new MirrorFileNotFound(index.name, fileId);
  return file;
}
