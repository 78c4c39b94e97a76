import type { Metadata } from "@wheelhouse/packaging";
import type { Prisma } from "@wheelhouse/db";

/** The core metadata fields of a release, with PyPI's JSON API `info` key names. */
export function releaseInfoFromMetadata(m: Metadata, requiresPython: string | null): Prisma.InputJsonObject {
  const projectUrls = m.projectUrls ?? {};
  return {
    name: m.name,
    version: m.version.toString(),
    summary: m.summary ?? null,
    description: m.description ?? null,
    description_content_type: m.descriptionContentType ?? null,
    author: m.author ?? null,
    author_email: m.authorEmail ?? null,
    maintainer: m.maintainer ?? null,
    maintainer_email: m.maintainerEmail ?? null,
    license: m.license ?? null,
    license_expression: m.licenseExpression ?? null,
    license_files: m.licenseFiles?.length ? m.licenseFiles : null,
    keywords: m.keywords?.length ? m.keywords.join(",") : null,
    classifiers: m.classifiers ?? [],
    home_page: m.homePage ?? null,
    download_url: m.downloadUrl ?? null,
    platform: m.platforms?.length ? m.platforms.join(",") : null,
    requires_python: requiresPython,
    requires_dist: m.requiresDist?.length ? m.requiresDist.map((r) => r.toString()) : null,
    provides_extra: m.providesExtra?.length ? m.providesExtra : null,
    project_urls: Object.keys(projectUrls).length ? projectUrls : null,
    dynamic: m.dynamic?.length ? m.dynamic : null,
  };
}
