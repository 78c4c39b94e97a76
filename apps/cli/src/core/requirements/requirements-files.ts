/**
 * requirements files and requirement arguments, read for the CLI: the format is
 * @wheelhouse/packaging's (one implementation), the files are read here through node:fs, and a
 * bad file or line becomes a CliError with pip's message.
 */
import { existsSync, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import {
  parseEditableArgs as parseEditables,
  parseRequirementArgs as parseArgs,
  parseRequirementsFile as parseFile,
  RequirementsFileError,
  type ParsedRequirements,
  type ParseRequirementsOptions,
  type RequirementLine,
  type RequirementsFiles,
} from "@wheelhouse/packaging";
import { CliError } from "../cli-error.ts";

/** A requirements file or argument pip would refuse; the message is pip's. */
export class InvalidRequirements extends CliError {
  override name = "InvalidRequirements";
}

/** The local file system, as the parser asks for it. */
const LOCAL_FILES: RequirementsFiles = {
  readFile: (path) => readFile(path, "utf8"),
  exists: existsSync,
  isDirectory: (path) => {
    try {
      return statSync(path).isDirectory();
    } catch {
      return false;
    }
  },
};

/** What parseRequirementsFile takes: cwd and env default to this process's. */
export type RequirementsFileReadOptions = Omit<ParseRequirementsOptions, "files" | "cwd" | "env"> & { cwd?: string; env?: NodeJS.ProcessEnv };

/** Parses a requirements file (and what it includes) from disk; throws InvalidRequirements. */
export async function parseRequirementsFile(path: string, options: RequirementsFileReadOptions = {}): Promise<ParsedRequirements> {
  try {
    return await parseFile(path, { ...options, cwd: options.cwd ?? process.cwd(), env: options.env ?? process.env, files: LOCAL_FILES });
  } catch (e) {
    throw asCliError(e);
  }
}

/** Parses requirement arguments of the command line; throws InvalidRequirements. */
export function parseRequirementArgs(args: readonly string[], options: { cwd?: string } = {}): RequirementLine[] {
  try {
    return parseArgs(args, { cwd: options.cwd ?? process.cwd(), files: LOCAL_FILES });
  } catch (e) {
    throw asCliError(e);
  }
}

/** Parses `-e` arguments of the command line; throws InvalidRequirements. */
export function parseEditableArgs(args: readonly string[], options: { cwd?: string } = {}): RequirementLine[] {
  try {
    return parseEditables(args, { cwd: options.cwd ?? process.cwd(), files: LOCAL_FILES });
  } catch (e) {
    throw asCliError(e);
  }
}

function asCliError(e: unknown): unknown {
  return e instanceof RequirementsFileError ? new InvalidRequirements(e.message, { cause: e }) : e;
}
