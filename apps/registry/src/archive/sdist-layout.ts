import { invalidFile, quote } from "./invalid-distribution.ts";

/**
 * PEP 517/625: an sdist unpacks into one `{name}-{version}/` directory, with
 * PKG-INFO directly inside it. Fed one member at a time, in archive order, so
 * the tar reader can use it while streaming.
 */
export class SdistLayout {
  #top: string | undefined;

  /** The top-level directory, once a member has been seen. */
  get top(): string | undefined {
    return this.#top;
  }

  add(name: string, segments: readonly string[], isDirectory: boolean): void {
    const [top] = segments;
    if (top === undefined) return;
    if (segments.length === 1 && !isDirectory) {
      throw invalidFile(`member ${quote(name)} is not inside the sdist's top-level directory.`);
    }
    if (this.#top === undefined) this.#top = top;
    else if (top !== this.#top) {
      throw invalidFile(`the sdist has more than one top-level directory (${quote(this.#top)} and ${quote(top)}).`);
    }
  }

  /** True for `<top>/PKG-INFO`. */
  isPkgInfo(segments: readonly string[]): boolean {
    return segments.length === 2 && segments[0] === this.#top && segments[1] === "PKG-INFO";
  }

  /** The sdist's PKG-INFO must have been found; call after the last member. */
  requirePkgInfo<T>(pkgInfo: T | undefined): T {
    if (this.#top === undefined) throw invalidFile("the sdist has no top-level directory.");
    if (pkgInfo === undefined) throw invalidFile(`the sdist has no ${this.pkgInfoPath()}.`);
    return pkgInfo;
  }

  pkgInfoPath(): string {
    return `${this.#top ?? ""}/PKG-INFO`;
  }
}
