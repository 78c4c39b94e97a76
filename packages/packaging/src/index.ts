/**
 * @wheelhouse/packaging: Python packaging specs in TypeScript, with no I/O.
 * One module per spec; dependencies flow version → specifiers → markers → requirements, and the
 * distribution file formats (requirements.txt, RECORD, WHEEL, wheel zips) build on them.
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
export * from "./requirements-txt/index.ts";
export {
  DEFAULT_PLATFORMS,
  DEFAULT_PYTHONS,
  TARGET_ENVIRONMENTS,
  markerEnvironments,
  markerMayHold,
  normalizePlatform,
  osValuesOf,
  type OsValues,
} from "./target-environments.ts";
export { formatRecord, parseRecord, recordHash, type RecordRow } from "./record.ts";
export { InvalidWheelFile, parseWheelFile, type ParseWheelFileOptions, type WheelFile, type WheelFileProblem } from "./wheel-file.ts";
export {
  InvalidZip,
  ZIP_TAIL_BYTES,
  bufferSource,
  findDistInfoEntry,
  findMetadataEntry,
  openZip,
  readWheelMetadata,
  type OpenZipOptions,
  type RandomAccess,
  type ReadEntryOptions,
  type ReadWheelMetadataOptions,
  type ZipEntry,
  type ZipReader,
} from "./wheel-zip.ts";
