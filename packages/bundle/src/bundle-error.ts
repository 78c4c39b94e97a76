/** Why a bundle operation was refused; the registry maps `code` to an HTTP status. */
export type BundleErrorCode =
  /** The bundle itself is malformed, truncated or tampered with. */
  | "invalid-bundle"
  /** The index named does not exist. */
  | "no-index"
  /** The index cannot take part (a group index). */
  | "wrong-index-kind"
  /** The selection (projects, specifiers, requirements) cannot be satisfied or is malformed. */
  | "bad-selection"
  /** Importing would change what the index already serves (a filename reused for other bytes). */
  | "conflict";

/** A bundle was refused. The message is one sentence an administrator can act on. */
export class BundleError extends Error {
  override readonly name = "BundleError";
  constructor(
    message: string,
    readonly code: BundleErrorCode,
  ) {
    super(message);
  }
}

export function invalidBundle(message: string): BundleError {
  return new BundleError(`Invalid bundle: ${message}`, "invalid-bundle");
}
