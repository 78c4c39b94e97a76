import { createHash, type Hash } from "node:crypto";
import { Transform, type TransformCallback } from "node:stream";
import { createBLAKE2b, type IHasher } from "hash-wasm";

export interface Digests {
  size: number;
  sha256: string;
  md5: string;
  /** BLAKE2b with a 256-bit digest, the hash PyPI keys files by. Node's crypto only has the 512-bit variant. */
  blake2b256: string;
}

/** Passes bytes through unchanged while computing the three digests PyPI publishes. */
export class DistributionHasher extends Transform {
  private size = 0;
  private readonly sha256: Hash = createHash("sha256");
  private readonly md5: Hash = createHash("md5");

  private constructor(private readonly blake: IHasher) {
    super({ highWaterMark: 1 << 20 });
  }

  static async create(): Promise<DistributionHasher> {
    const blake = await createBLAKE2b(256);
    blake.init();
    return new DistributionHasher(blake);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.size += chunk.length;
    this.sha256.update(chunk);
    this.md5.update(chunk);
    this.blake.update(chunk);
    callback(null, chunk);
  }

  /** Valid once the stream has finished. */
  digests(): Digests {
    return { size: this.size, sha256: this.sha256.digest("hex"), md5: this.md5.digest("hex"), blake2b256: this.blake.digest("hex") };
  }
}
