/** Errors of the installer, each one sentence a person can act on. */

/** The wheel cannot be installed (malformed, tampered, unsupported). Nothing was changed. */
export class InstallationError extends Error {
  override name = "InstallationError";
}

/** A distribution cannot be uninstalled (no RECORD, not installed). Nothing was changed. */
export class UninstallationError extends Error {
  override name = "UninstallationError";
}
