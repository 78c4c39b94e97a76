/**
 * @wheelhouse/bundle: move packages across an air gap. `exportBundle` writes the selected releases
 * of an index as one streamable tar; `importBundle` verifies every byte of such a tar and makes it
 * visible in another registry's index in one transaction. The format is in ../README.md.
 */
export { BundleError, type BundleErrorCode } from "./bundle-error.ts";
export type { BundleDeps, BundleFileRead, BundleFileToCheck, BundleFileVerdict, BundleLog, CheckBundleFile } from "./bundle-deps.ts";
export {
  BUNDLE_FORMAT,
  BUNDLE_VERSION,
  MANIFEST_MEMBER,
  parseBundleManifest,
  validateBundleManifest,
  type BundleFile,
  type BundleManifest,
  type BundleManifestInput,
  type BundleProject,
  type BundleRelease,
} from "./bundle-manifest.ts";
export { exportBundle, planBundle, writeBundle, type BundlePlan, type ExportBundleOptions, type ExportSummary } from "./export-bundle.ts";
export { importBundle, type ImportBundleOptions, type ImportSummary } from "./import-bundle.ts";
export type { BundleSelection } from "./select-bundle-files.ts";
