import { read } from "node:fs";
import { Readable } from "node:stream";
import yauzl from "yauzl";

/** Bytes of the file held in memory, served without a system call. */
export interface CachedRange {
  start: number;
  bytes: Buffer;
}

/**
 * yauzl reader over a file descriptor we own, with the central directory
 * preloaded. yauzl reads each central directory record with two small reads;
 * through the thread pool that is seconds for a wheel with 100k files, and
 * one read of the whole directory is milliseconds. Member data is streamed
 * from the file as usual.
 */
export class CachedFileReader extends yauzl.RandomAccessReader {
  constructor(
    private readonly fd: number,
    private readonly cache: CachedRange | undefined,
  ) {
    super();
  }

  override read(buffer: Buffer, offset: number, length: number, position: number, callback: (err: Error | null, bytesRead?: number) => void): void {
    const cache = this.cache;
    if (cache && position >= cache.start && position + length <= cache.start + cache.bytes.length) {
      cache.bytes.copy(buffer, offset, position - cache.start, position - cache.start + length);
      // yauzl expects its callbacks asynchronously.
      setImmediate(callback, null, length);
      return;
    }
    read(this.fd, buffer, offset, length, position, (err, bytesRead) => callback(err, bytesRead));
  }

  override _readStreamForRange(start: number, end: number): Readable {
    // Not fs.createReadStream: destroying one closes the descriptor, even
    // with autoClose: false, and we destroy streams we stop reading.
    const fd = this.fd;
    let position = start;
    return new Readable({
      highWaterMark: 64 * 1024,
      read(size) {
        const length = Math.min(size, end - position);
        if (length <= 0) return void this.push(null);
        const buffer = Buffer.allocUnsafe(length);
        read(fd, buffer, 0, length, position, (err, bytesRead) => {
          if (err) return this.destroy(err);
          if (bytesRead === 0) return this.destroy(new Error("unexpected EOF"));
          position += bytesRead;
          this.push(buffer.subarray(0, bytesRead));
        });
      },
    });
  }

  override close(callback: (err: Error | null) => void): void {
    // The descriptor belongs to the caller, who closes it.
    setImmediate(callback, null);
  }
}
