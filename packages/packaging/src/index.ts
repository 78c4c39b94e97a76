/**
 * @wheelhouse/packaging: Python packaging specs in TypeScript, with no I/O.
 * One module per spec; dependencies flow version → specifiers → markers → requirements.
 */
export { canonicalizeName, isNormalizedName, isValidProjectName, type NormalizedName } from "./names.ts";
export {
  InvalidVersion,
  Version,
  canonicalizeVersion,
  compareVersions,
  isValidVersion,
  parseVersion,
  tryParseVersion,
  type CanonicalizeVersionOptions,
  type PreLabel,
} from "./version.ts";
export {
  InvalidSpecifier,
  Specifier,
  SpecifierSet,
  parseSpecifier,
  parseSpecifierSet,
  type PrereleaseOptions,
  type SpecifierOperator,
} from "./specifiers.ts";
export {
  InvalidMarker,
  Marker,
  evaluateMarker,
  parseMarker,
  type MarkerEnvironment,
  type MarkerNode,
  type MarkerOperator,
  type MarkerValue,
  type MarkerVariable,
} from "./markers.ts";
export { InvalidRequirement, Requirement, parseRequirement, tryParseRequirement } from "./requirements.ts";
export { InvalidTag, Tag, parseTag } from "./tags.ts";
export {
  InvalidSdistFilename,
  InvalidWheelFilename,
  isValidDistributionFilename,
  isValidSdistFilename,
  isValidWheelFilename,
  parseDistributionFilename,
  parseSdistFilename,
  parseWheelFilename,
  type BuildTag,
  type DistributionFilename,
  type ParseSdistOptions,
  type SdistExtension,
  type SdistFilename,
  type WheelFilename,
} from "./filenames.ts";
export {
  InvalidMetadata,
  METADATA_VERSIONS,
  SUPPORTED_METADATA_MAJOR,
  checkMetadataVersion,
  parseMetadata,
  parseRawMetadata,
  type KnownMetadataVersion,
  type Metadata,
  type MetadataVersion,
  type ParseMetadataOptions,
  type RawMetadata,
  type RawParseResult,
} from "./metadata.ts";
export { fnmatchSource } from "./fnmatch.ts";
