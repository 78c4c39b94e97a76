import { canonicalizeName } from "@wheelhouse/packaging";

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Whether a mirrored file is held back from installers: the index quarantines files for
 * `quarantineDays` after their upload-time, except for the projects it names. A file whose
 * upload time is unknown cannot be judged and is not held back (the mirror records the time it
 * first saw a file when upstream publishes none, so rows always have one).
 */
export function isQuarantined(
  index: { quarantineDays: number; quarantineExceptions: readonly string[] },
  projectName: string,
  uploadedAt: Date | null,
  now: Date = new Date(),
): boolean {
  if (index.quarantineDays <= 0 || uploadedAt === null) return false;
  const name = canonicalizeName(projectName);
  if (index.quarantineExceptions.some((exception) => canonicalizeName(exception) === name)) return false;
  return now.getTime() - uploadedAt.getTime() < index.quarantineDays * DAY_MS;
}
