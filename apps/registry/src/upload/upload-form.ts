// The legacy upload form as twine sends it (warehouse's forklift/legacy.py defines it):
// multipart fields `:action=file_upload`, `protocol_version=1`, name, version, filetype,
// digests and the core metadata fields, then the file as `content`.
import { BadRequest } from "../errors.ts";

export type FormFields = Record<string, string | string[] | undefined>;

export interface UploadForm {
  name: string;
  version: string;
  filetype: "bdist_wheel" | "sdist";
  pyversion: string;
  digests: { sha256?: string; md5?: string; blake2b256?: string };
}

function single(fields: FormFields, key: string): string | undefined {
  const value = fields[key];
  const text = Array.isArray(value) ? value[0] : value;
  return text === undefined || text.trim() === "" ? undefined : text.trim();
}

function required(fields: FormFields, key: string): string {
  const value = single(fields, key);
  if (value === undefined) throw new BadRequest(`Missing required form field '${key}'.`, "missing-field");
  return value;
}

function digest(fields: FormFields, key: string, hexLength: number): string | undefined {
  const value = single(fields, key)?.toLowerCase();
  if (value !== undefined && !new RegExp(`^[0-9a-f]{${hexLength}}$`).test(value)) {
    throw new BadRequest(`Invalid value for ${key}: expected ${hexLength} hexadecimal digits.`, "bad-digest");
  }
  return value;
}

export function parseUploadForm(fields: FormFields): UploadForm {
  const action = single(fields, ":action");
  if (action !== "file_upload") {
    throw new BadRequest(action ? `Unsupported action '${action}': only file_upload is supported.` : "Missing required form field ':action'.", "bad-action");
  }
  const protocol = single(fields, "protocol_version") ?? "1";
  if (protocol !== "1") throw new BadRequest(`Unknown protocol version '${protocol}': only 1 is supported.`, "bad-protocol");
  const filetype = required(fields, "filetype");
  if (filetype !== "bdist_wheel" && filetype !== "sdist") {
    throw new BadRequest(`Invalid filetype '${filetype}': only bdist_wheel and sdist are accepted.`, "bad-filetype");
  }
  const digests = {
    sha256: digest(fields, "sha256_digest", 64),
    md5: digest(fields, "md5_digest", 32),
    blake2b256: digest(fields, "blake2_256_digest", 64),
  };
  if (!digests.sha256 && !digests.md5 && !digests.blake2b256) {
    throw new BadRequest("Include at least one message digest (sha256_digest, blake2_256_digest or md5_digest).", "missing-digest");
  }
  return {
    name: required(fields, "name"),
    version: required(fields, "version"),
    filetype,
    pyversion: single(fields, "pyversion") ?? (filetype === "sdist" ? "source" : ""),
    digests,
  };
}
