/** requirements-txt/: pip's requirements file format, read from files (injected reading) or from a stored text. */
export {
  FORMAT_CONTROL_ALL,
  FORMAT_CONTROL_NONE,
  InvalidFormatControl,
  applyFormatControl,
  type FormatControl,
} from "./format-control.ts";
export { pinnedVersion } from "./pinned-version.ts";
export { InvalidRequirementLine, NO_LOCAL_PATHS, eggFragment, isUrl, type LocalPaths, type RequirementLine } from "./requirement-line.ts";
export {
  RequirementsFileError,
  STRONG_HASHES,
  parseEditableArgs,
  parseRequirementArgs,
  parseRequirementsFile,
  preprocess,
  type ParseRequirementsOptions,
  type ParsedRequirements,
  type RequirementsEnv,
  type RequirementsFileOptions,
  type RequirementsFiles,
} from "./requirements-file.ts";
export {
  parseRequirementsText,
  type ParsedRequirementsText,
  type RequirementsTextLine,
  type RequirementsTextProblem,
} from "./requirements-text.ts";
