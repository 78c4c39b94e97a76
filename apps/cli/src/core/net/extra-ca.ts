/**
 * NODE_EXTRA_CA_CERTS, read when the first TLS connection needs it instead of at start-up.
 *
 * Node 20 reads and parses that file before it runs any code, for every process: about 50 ms
 * with a full CA bundle, which corporate machines often set — a quarter of a warm install, paid
 * by HTTP-only and offline commands too. So bin/wheelhouse.cjs starts Node without it and hands
 * the path over in WHEELHOUSE_EXTRA_CA_CERTS; TLS connections then trust Node's default roots
 * plus that file, as Node itself would have (and warn as Node does when it cannot be read).
 */
import { readFileSync } from "node:fs";
import { createSecureContext, type SecureContext, type SecureContextOptions } from "node:tls";

let extraPem: string | null | undefined;

function deferredExtraPem(): string | null {
  if (extraPem !== undefined) return extraPem;
  extraPem = null;
  const file = process.env.WHEELHOUSE_EXTRA_CA_CERTS;
  if (!file) return extraPem;
  try {
    extraPem = readFileSync(file, "utf8");
  } catch (e) {
    warnIgnored(e);
  }
  return extraPem;
}

/** Node's own warning for an extra CA file it cannot use. */
function warnIgnored(e: unknown): void {
  process.emitWarning(`Ignoring extra certs from \`${process.env.WHEELHOUSE_EXTRA_CA_CERTS}\`, load failed: ${(e as Error).message}`);
}

/**
 * A context trusting Node's default roots (the bundled ones, or the system store where Node is
 * built or started to use it) plus the deferred certificates; null when none were deferred.
 * `options` must not name `ca`, which would replace the default roots.
 */
export function secureContextWithExtraCa(options: Omit<SecureContextOptions, "ca"> = {}): SecureContext | null {
  const pem = deferredExtraPem();
  if (pem === null) return null;
  const context = createSecureContext(options);
  try {
    // What Node does with NODE_EXTRA_CA_CERTS: add to the default store (the native context
    // copies the shared default store before its first addition, so other contexts are untouched).
    (context.context as { addCACert(pem: string): void }).addCACert(pem);
  } catch (e) {
    warnIgnored(e);
  }
  return context;
}
