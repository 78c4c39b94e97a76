/**
 * PEP 425 compatibility tags: `{interpreter}-{abi}-{platform}`, each part possibly a
 * `.`-separated compressed set.
 */

export class InvalidTag extends Error {
  override name = "InvalidTag";
  constructor(
    readonly tag: string,
    reason: string,
  ) {
    super(`Invalid tag ${JSON.stringify(tag)}: ${reason}`);
  }
}

/** One (interpreter, abi, platform) triple, lowercased as pypa/packaging does. */
export class Tag {
  readonly interpreter: string;
  readonly abi: string;
  readonly platform: string;

  constructor(interpreter: string, abi: string, platform: string) {
    this.interpreter = interpreter.toLowerCase();
    this.abi = abi.toLowerCase();
    this.platform = platform.toLowerCase();
  }

  equals(other: Tag): boolean {
    return this.interpreter === other.interpreter && this.abi === other.abi && this.platform === other.platform;
  }

  toString(): string {
    return `${this.interpreter}-${this.abi}-${this.platform}`;
  }

  toJSON(): string {
    return this.toString();
  }
}

const TAG_PART = /^[A-Za-z0-9_]+$/;

/**
 * Expands a (possibly compressed) tag string into its tags, in order, without duplicates.
 * PEP 425: `py2.py3-none-any` stands for `py2-none-any` and `py3-none-any`.
 */
export function parseTag(tag: string): Tag[] {
  const parts = tag.split("-");
  if (parts.length !== 3) throw new InvalidTag(tag, "expected {interpreter}-{abi}-{platform}");
  const [interpreters, abis, platforms] = parts.map((p) => p.split(".")) as [string[], string[], string[]];
  for (const part of [...interpreters, ...abis, ...platforms]) {
    if (!TAG_PART.test(part)) throw new InvalidTag(tag, `${JSON.stringify(part)} is not a valid tag component`);
  }
  const seen = new Set<string>();
  const tags: Tag[] = [];
  for (const interpreter of interpreters) {
    for (const abi of abis) {
      for (const platform of platforms) {
        const t = new Tag(interpreter, abi, platform);
        const key = t.toString();
        if (!seen.has(key)) {
          seen.add(key);
          tags.push(t);
        }
      }
    }
  }
  return tags;
}
