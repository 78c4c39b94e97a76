// `npm start`: configuration from the environment, then the registry.
//
// `npm start` (and the image) run it with V8's --no-memory-reducer. The memory reducer shrinks
// an idle heap back to what is live; a registry's traffic comes in bursts (one CI install: a
// hundred requests in half a second, then nothing), and after each quiet spell the next burst
// paid for growing the heap again with back-to-back full collections: on the install benchmark,
// 40% of the registry's CPU and some 75 ms of each cold install. Without it the heap still grows
// and shrinks with the ordinary collections. (A V8 flag set at run time comes too late: the
// heap is configured when the process starts.)
import { type Config, InvalidConfig, loadConfig } from "./config.ts";
import { createLogger } from "./logger.ts";
import { startRegistry } from "./server.ts";
import { stopOnSignals } from "./stop-on-signals.ts";

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof InvalidConfig) {
      console.error(`wheelhouse: invalid configuration: ${err.message}`);
      process.exit(2);
    }
    throw err;
  }
  const log = createLogger(config.logLevel);
  const registry = await startRegistry(config, log);
  if (registry.generatedAdminPassword) {
    // Printed once, on the first start; it is stored only as an argon2 hash.
    process.stdout.write(
      `\nCreated the administrator account.\n  username: admin\n  password: ${registry.generatedAdminPassword}\n` +
        `Keep it now: it will not be shown again (set WHEELHOUSE_ADMIN_PASSWORD to choose it).\n\n`,
    );
  }
  process.stdout.write(`Wheelhouse is running at ${registry.url}/simple/\n`);
  stopOnSignals(log, "shutting down", () => registry.close());
}

main().catch((err: unknown) => {
  console.error("wheelhouse: failed to start:", err instanceof Error ? err.message : err);
  process.exit(1);
});
