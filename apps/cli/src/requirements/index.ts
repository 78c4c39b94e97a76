/** requirements/: pip's requirements file syntax and command-line requirement arguments (no network of its own). */
export {
  parseEditableArgs,
  parseRequirementArgs,
  parseRequirementsFile,
  preprocess,
  RequirementsFileError,
  STRONG_HASHES,
  type ParsedRequirements,
  type ParseRequirementsOptions,
  type RequirementsFileOptions,
} from "./requirements-file.ts";
export { eggFragment, isUrl, InvalidRequirementLine, type RequirementLine } from "./requirement-line.ts";
