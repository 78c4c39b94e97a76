/**
 * @wheelhouse/testing: the one builder of test distributions. Imported by tests and test
 * helpers only, never by code that ships.
 * - metadataText: METADATA / PKG-INFO text;
 * - buildWheel: valid wheels (files with modes, .data, entry points, a hashed RECORD), and
 *   wheelMembers + buildZip for hostile ones;
 * - buildSdist: sdists (tar.gz or zip); backendProjectFiles: a project with an in-tree PEP 517 backend;
 * - buildZip, buildTarGz, rawTarMember: archives byte by byte, for hostile tests;
 * - makeTempDir, writeTree: files on disk.
 */
export { distName, metadataText, type ProjectSpec } from "./metadata.ts";
export {
  buildWheel,
  wheelFileText,
  wheelFilename,
  wheelMembers,
  type BuiltWheel,
  type MemberContent,
  type WheelMember,
  type WheelMembersOptions,
  type WheelSpec,
} from "./wheel.ts";
export { buildSdist, sdistFilename, sdistTarEntries, type BuiltSdist, type SdistSpec } from "./sdist.ts";
export { backendProjectFiles, type BackendProjectOptions } from "./pep517-project.ts";
export { buildZip, deflatedZeros, type RawZipEntry, type RawZipOptions } from "./raw-zip.ts";
export { buildTarGz, rawTarMember, type RawTarOptions, type TarEntry } from "./raw-tar.ts";
export { makeTempDir, writeTree, type TempDir } from "./files.ts";
