// Wheels with members no real builder writes (symlinks, `../` paths, CP437 names), made with the
// archive tests' byte-level zip writer: a valid wheel of `spec` plus the hostile members.
import { buildZip, type RawZipEntry } from "../../apps/registry/src/archive/test-fixtures.ts";
import { metadataText, type DistSpec } from "./dist-builder.ts";

export type { RawZipEntry };

/** The members of a valid wheel of `spec` (module, METADATA, WHEEL, RECORD), with `extra` among them. */
export function wheelWithMembers(spec: DistSpec, extra: RawZipEntry[]): Buffer {
  const dist = spec.name.replace(/[-_.]+/g, "_");
  const info = `${dist}-${spec.version}.dist-info`;
  return buildZip([
    { name: `${dist}/__init__.py`, data: "VALUE = 1\n" },
    ...extra,
    { name: `${info}/METADATA`, data: metadataText(spec) },
    { name: `${info}/WHEEL`, data: "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n" },
    { name: `${info}/RECORD`, data: "" },
  ]);
}
