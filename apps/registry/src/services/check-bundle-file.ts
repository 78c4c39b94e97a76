// The bundle import's door check: each staged file of a bundle passes exactly what an upload of
// it would (validateDistribution), on a local copy of its bytes, since archives are read with
// random access.
import { randomUUID } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import type { BundleFileToCheck, BundleFileVerdict, CheckBundleFile } from "@wheelhouse/bundle";
import type { BlobStore } from "@wheelhouse/storage";
import { BadRequest } from "../errors.ts";
import { uploadTmpDir } from "../upload/staging-storage-engine.ts";
import type { UploadForm } from "../upload/upload-form.ts";
import { releaseInfoFromMetadata } from "./release-info.ts";
import { validateDistribution } from "./validate-distribution.ts";

export function bundleFileCheck(deps: { store: BlobStore; dataDir: string }): CheckBundleFile {
  const tmpDir = uploadTmpDir(deps.dataDir);
  return async (file: BundleFileToCheck): Promise<BundleFileVerdict> => {
    if (file.packageType !== "bdist_wheel" && file.packageType !== "sdist") {
      return { refusal: `Invalid filetype '${file.packageType}': only bdist_wheel and sdist are accepted.` };
    }
    const form: UploadForm = { name: file.projectName, version: file.version, filetype: file.packageType, pyversion: file.pythonVersion, digests: {} };
    await mkdir(tmpDir, { recursive: true });
    const tmpPath = join(tmpDir, randomUUID());
    try {
      await pipeline(await deps.store.get(file.stagedKey), createWriteStream(tmpPath));
      const { metadata } = await validateDistribution(tmpPath, file.filename, form);
      return {
        coreMetadata: metadata.text,
        requiresPython: metadata.requiresPython,
        release: { summary: metadata.parsed.summary ?? null, info: releaseInfoFromMetadata(metadata.parsed, metadata.requiresPython) },
      };
    } catch (err) {
      if (err instanceof BadRequest) return { refusal: err.message };
      throw err;
    } finally {
      await rm(tmpPath, { force: true });
    }
  };
}
