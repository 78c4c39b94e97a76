// Builds small, valid (or deliberately broken) distributions in memory for HTTP-level tests.
// Real-client tests build theirs with e2e/fixtures/make_dist.py instead.
import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import { zipSync, strToU8 } from "fflate";

export interface DistSpec {
  name: string;
  version: string;
  requiresPython?: string;
  requiresDist?: string[];
  providesExtra?: string[];
  summary?: string;
  /** Extra bytes so tests can make files of a given size. */
  padding?: number;
}

function distName(name: string): string {
  return name.replace(/[-_.]+/g, "_");
}

export function metadataText(spec: DistSpec): string {
  const lines = ["Metadata-Version: 2.1", `Name: ${spec.name}`, `Version: ${spec.version}`, `Summary: ${spec.summary ?? "a test package"}`];
  if (spec.requiresPython) lines.push(`Requires-Python: ${spec.requiresPython}`);
  for (const extra of spec.providesExtra ?? []) lines.push(`Provides-Extra: ${extra}`);
  for (const dep of spec.requiresDist ?? []) lines.push(`Requires-Dist: ${dep}`);
  return `${lines.join("\n")}\n\nA package built by a test.\n`;
}

export function wheelFilename(spec: DistSpec): string {
  return `${distName(spec.name)}-${spec.version}-py3-none-any.whl`;
}

export function buildWheel(spec: DistSpec, opts: { omit?: "METADATA" | "WHEEL" | "RECORD"; metadata?: string } = {}): Buffer {
  const info = `${distName(spec.name)}-${spec.version}.dist-info`;
  const members: Record<string, Uint8Array> = {
    [`${distName(spec.name)}/__init__.py`]: strToU8(`VERSION = "${spec.version}"\n${"#".repeat(spec.padding ?? 0)}\n`),
    [`${info}/METADATA`]: strToU8(opts.metadata ?? metadataText(spec)),
    [`${info}/WHEEL`]: strToU8("Wheel-Version: 1.0\nGenerator: wheelhouse-tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n"),
  };
  const record = Object.entries(members)
    .map(([path, bytes]) => `${path},sha256=${createHash("sha256").update(bytes).digest("base64url")},${bytes.length}`)
    .concat(`${info}/RECORD,,`)
    .join("\n");
  members[`${info}/RECORD`] = strToU8(`${record}\n`);
  if (opts.omit) delete members[`${info}/${opts.omit}`];
  return Buffer.from(zipSync(members, { level: 6 }));
}

/** A PEP 625 sdist: one top directory with PKG-INFO, as a gzipped ustar written by hand (tiny). */
export function buildSdist(spec: DistSpec): Buffer {
  const top = `${distName(spec.name)}-${spec.version}`;
  const files: [string, Buffer][] = [
    [`${top}/PKG-INFO`, Buffer.from(metadataText(spec))],
    [`${top}/pyproject.toml`, Buffer.from('[build-system]\nrequires = []\n')],
  ];
  const blocks: Buffer[] = [];
  for (const [path, body] of files) {
    const header = Buffer.alloc(512);
    header.write(path, 0, 100);
    header.write("0000644\0", 100);
    header.write("0000000\0", 108);
    header.write("0000000\0", 116);
    header.write(`${body.length.toString(8).padStart(11, "0")}\0`, 124);
    header.write(`${Math.floor(Date.now() / 1000).toString(8).padStart(11, "0")}\0`, 136);
    header.write("        ", 148);
    header.write("0", 156);
    header.write("ustar\0", 257);
    header.write("00", 263);
    let sum = 0;
    for (const byte of header) sum += byte;
    header.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148);
    blocks.push(header, body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(blocks));
}

export function sdistFilename(spec: DistSpec): string {
  return `${distName(spec.name)}-${spec.version}.tar.gz`;
}

export function digestsOf(bytes: Buffer): { sha256: string; md5: string } {
  return { sha256: createHash("sha256").update(bytes).digest("hex"), md5: createHash("md5").update(bytes).digest("hex") };
}

/** The multipart form twine sends, as a fetch body. */
export function uploadForm(spec: DistSpec, filename: string, bytes: Buffer, overrides: Record<string, string | undefined> = {}): FormData {
  const fields: Record<string, string | undefined> = {
    ":action": "file_upload",
    protocol_version: "1",
    name: spec.name,
    version: spec.version,
    filetype: filename.endsWith(".whl") ? "bdist_wheel" : "sdist",
    pyversion: filename.endsWith(".whl") ? "py3" : "source",
    metadata_version: "2.1",
    sha256_digest: digestsOf(bytes).sha256,
    ...overrides,
  };
  const form = new FormData();
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) form.append(key, value);
  form.append("content", new Blob([new Uint8Array(bytes)]), filename);
  return form;
}

export function basicAuth(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`;
}
