/**
 * NODE_EXTRA_CA_CERTS, read when the first TLS connection needs it instead of at start-up.
 *
 * Node 20 reads and parses that file before it runs any code, for every process: about 50 ms
 * with a full CA bundle, which corporate machines often set — a quarter of a warm install, paid
 * by HTTP-only and offline commands too. So bin/wheelhouse.cjs starts Node without it and hands
 * the path over in WHEELHOUSE_EXTRA_CA_CERTS; TLS connections then trust Node's bundled roots
 * plus that file, as Node itself would have (and warn as Node does when it cannot be read).
 */
import { readFileSync } from "node:fs";
import { rootCertificates } from "node:tls";

let roots: string[] | null | undefined;

/** Node's default roots plus the deferred extra certificates; null when there are none to add. */
export function defaultRootsWithExtraCa(): string[] | null {
  if (roots !== undefined) return roots;
  roots = null;
  const file = process.env.WHEELHOUSE_EXTRA_CA_CERTS;
  if (!file) return roots;
  try {
    roots = [...rootCertificates, readFileSync(file, "utf8")];
  } catch (e) {
    process.emitWarning(`Ignoring extra certs from \`${file}\`, load failed: ${(e as Error).message}`);
  }
  return roots;
}
