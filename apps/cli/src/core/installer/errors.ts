import { CliError } from "../cli-error.ts";
/** Errors of the installer, each one sentence a person can act on. */

/** The wheel cannot be installed (malformed, tampered, unsupported). Nothing was changed. */
export class InstallationError extends CliError {
  override name = "InstallationError";
}

/** A distribution cannot be uninstalled (no RECORD, not installed). Nothing was changed. */
export class UninstallationError extends CliError {
  override name = "UninstallationError";
}
