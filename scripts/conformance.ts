// `npm run conformance`: the conformance check on the whole local corpus of real PyPI wheels
// (e2e/conformance/corpus-check.ts says what is compared and what "agree" means). Starts a
// registry of its own (its own PostgreSQL database, a temp dir for files) and uploads every
// wheel to it over the real upload route. Exits 1 on any disagreement, parse failure or refused
// upload; skips (exit 0, with the reason) where the corpus is not on this machine.
//
//   npm run conformance [-- --no-upload] [-- --limit N]
import { checkCorpus, formatReport, pythonWithPackaging } from "../e2e/conformance/corpus-check.ts";
import { localWheels, missingCorpusReason } from "../e2e/conformance/local-index.ts";
import { startRegistry } from "../e2e/support/registry.ts";
import { removeTempDirs } from "../e2e/support/temp-dir.ts";

const args = process.argv.slice(2);
const upload = !args.includes("--no-upload");
const limitAt = args.indexOf("--limit");
const limit = limitAt === -1 ? Infinity : Number(args[limitAt + 1]);

const missing = missingCorpusReason();
if (missing !== null) {
  console.log(`conformance: skipped: ${missing}`);
  process.exit(0);
}
const wheels = localWheels().slice(0, limit);
const log = (line: string) => console.log(`conformance: ${line}`);
// The largest wheels of the corpus (torch, CUDA libraries) are over 500 MB.
const registry = upload ? await startRegistry({ maxUploadBytes: 2 * 1024 ** 3 }) : null;
try {
  const python = await pythonWithPackaging();
  const report = await checkCorpus(python, wheels, { upload: registry && { url: `${registry.url}/`, token: registry.adminToken, concurrency: 2 }, log });
  for (const line of formatReport(report)) console.log(line);
  const failed =
    report.unreadable.length +
    report.parseFailures.length +
    report.disagreements.length +
    report.versions.disagreements.length +
    (report.uploads?.refused.length ?? 0);
  process.exitCode = failed > 0 ? 1 : 0;
} finally {
  await registry?.stop();
  await removeTempDirs();
}
