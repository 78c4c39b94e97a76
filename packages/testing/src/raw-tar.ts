// Tar archives for tests: buildTarGz (tar-stream) for any header tar-stream writes, with
// zero-filled members streamed (bombs); rawTarMember for blocks tar-stream will not write.
import { createGzip, type ZlibOptions } from "node:zlib";
import tar from "tar-stream";
import type { Header } from "tar-stream";

export interface TarEntry {
  header: Partial<Header> & { name: string };
  data?: string | Buffer;
  /** Stream this many zero bytes as the content (for bombs). */
  zeros?: number;
}

/** Packs with tar-stream and gzips; zero-filled members are streamed, not allocated. */
export async function buildTarGz(entries: TarEntry[], gzip: ZlibOptions = { level: 1 }, prefix?: Buffer): Promise<Buffer> {
  const pack = tar.pack();
  const gz = createGzip(gzip);
  const out: Buffer[] = [];
  gz.on("data", (c: Buffer) => out.push(c));
  const done = new Promise((resolve, reject) => {
    gz.on("end", resolve);
    gz.on("error", reject);
  });
  pack.on("data", (c) => {
    if (!gz.write(c as Buffer)) pack.pause();
  });
  gz.on("drain", () => pack.resume());
  pack.on("end", () => gz.end());
  // Raw blocks ahead of tar-stream's output, for headers it will not write.
  if (prefix) gz.write(prefix);

  for (const entry of entries) {
    if (entry.zeros !== undefined) {
      const chunk = Buffer.alloc(1024 * 1024);
      await new Promise<void>((resolve, reject) => {
        const sink = pack.entry({ ...entry.header, size: entry.zeros }, (err) => (err ? reject(err) : resolve()));
        let left = entry.zeros!;
        const writeMore = () => {
          while (left > 0) {
            const piece = chunk.subarray(0, Math.min(chunk.length, left));
            left -= piece.length;
            if (!sink.write(piece)) return void sink.once("drain", () => writeMore());
          }
          sink.end(undefined); // streamx typings want an argument
        };
        writeMore();
      });
    } else {
      await new Promise<void>((resolve, reject) => {
        const callback = (err?: Error | null) => (err ? reject(err) : resolve());
        // Directories and links take no body at all, not even an empty one.
        if (entry.data === undefined) pack.entry(entry.header, callback).end(undefined);
        else pack.entry(entry.header, entry.data, callback);
      });
    }
  }
  pack.finalize();
  await done;
  return Buffer.concat(out);
}

export interface RawTarOptions {
  /** Permission bits; default 0o644. */
  mode?: number;
  /** Seconds since the epoch; default 0. */
  mtime?: number;
}

/** A raw ustar header block plus its padded body, e.g. a pax global header ('g'). Names over 100 bytes are cut. */
export function rawTarMember(name: string, typeflag: string, body: Uint8Array | string = "", options: RawTarOptions = {}): Buffer {
  const data = typeof body === "string" ? Buffer.from(body) : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const header = Buffer.alloc(512);
  header.write(name, 0, 100, "utf8");
  header.write(`${(options.mode ?? 0o644).toString(8).padStart(7, "0")}\0`, 100);
  header.write("0000000\0", 108);
  header.write("0000000\0", 116);
  header.write(`${data.length.toString(8).padStart(11, "0")}\0`, 124);
  header.write(`${(options.mtime ?? 0).toString(8).padStart(11, "0")}\0`, 136);
  header.write(typeflag, 156);
  header.write("ustar\0", 257);
  header.write("00", 263);
  header.fill(" ", 148, 156);
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148);
  const padding = Buffer.alloc((512 - (data.length % 512)) % 512);
  return Buffer.concat([header, data, padding]);
}
