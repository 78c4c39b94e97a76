import { CliError } from "../cli-error.ts";
// A wheel that cannot be read: its zip structure is broken, or it has no METADATA.

/** A wheel whose zip structure cannot be read, or that has no METADATA. */
export class InvalidWheel extends CliError {
  override readonly name = "InvalidWheel";
  constructor(
    readonly filename: string,
    reason: string,
  ) {
    super(`${filename} is not a valid wheel: ${reason}`);
  }
}
