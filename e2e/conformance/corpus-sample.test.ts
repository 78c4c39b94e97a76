// A fast sample of the conformance check (`npm run conformance` runs the whole corpus): a few
// dozen real PyPI wheels from the machine's local index, spread over the corpus, each parsed by
// our packaging library and by Python's packaging 26.3 (installed from that index into a fresh
// venv), every version string parsed and sorted by both, and every wheel uploaded over the real
// upload route. What "agree" means: e2e/conformance/corpus-check.ts.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { startRegistry, type TestRegistry } from "../support/registry.ts";
import { removeTempDirs } from "../support/temp-dir.ts";
import { checkCorpus, fileSize, formatReport, pythonWithPackaging, type ConformanceReport } from "./corpus-check.ts";
import { findLocalWheel, localWheels, missingCorpusReason, sampleWheels, type LocalWheel } from "./local-index.ts";

const SAMPLE = 40;
const MAX_SAMPLE_BYTES = 3 * 1024 * 1024;
// Wheels that once disagreed or were refused (fixed since, see markers.test.ts and
// metadata.test.ts): always in the sample. urllib3 2.8.0 also carries Metadata-Version 2.5.
const REGRESSIONS = ["urllib3-2.8.0-", "black-26.5.1-", "ply-3.11-"];

const missing = missingCorpusReason() ?? (findLocalWheel("packaging-26.3-") === null ? "packaging 26.3 is not in the local index" : null);
let registry: TestRegistry;
let report: ConformanceReport;
let sample: LocalWheel[];

before(async () => {
  if (missing !== null) return;
  const all = localWheels();
  sample = sampleWheels(all, SAMPLE, fileSize, MAX_SAMPLE_BYTES);
  for (const prefix of REGRESSIONS) {
    const wheel = all.find((w) => w.filename.startsWith(prefix));
    if (wheel && !sample.includes(wheel)) sample.push(wheel);
  }
  registry = await startRegistry();
  const python = await pythonWithPackaging();
  report = await checkCorpus(python, sample, { upload: { url: `${registry.url}/`, token: registry.adminToken, concurrency: 2 } });
  for (const line of formatReport(report)) console.log(line);
});
after(async () => {
  await registry?.stop();
  await removeTempDirs();
});

const skip = missing === null ? false : `${missing}; skipped`;
const TIMEOUT = { timeout: 120_000, skip };

test("every sampled wheel's METADATA is read and parses with our parser", TIMEOUT, () => {
  assert.ok(report.wheels >= SAMPLE, `a sample of at least ${SAMPLE} wheels, got ${report.wheels}`);
  assert.deepEqual(report.unreadable, []);
  assert.deepEqual(report.parseFailures, []);
  assert.equal(report.parsed, report.wheels);
  assert.ok((report.metadataVersions["2.5"] ?? 0) >= 1, "the sample has metadata 2.5 wheels (PEP 794)");
});

test("our packaging library agrees with Python's packaging on every sampled wheel", TIMEOUT, () => {
  assert.deepEqual(report.disagreements, []);
  assert.equal(report.agreements, report.wheels);
});

test("every version string of the sample parses and sorts as packaging.version does", TIMEOUT, () => {
  assert.ok(report.versions.strings > report.wheels, "filenames, METADATA and specifiers give more versions than wheels");
  assert.deepEqual(report.versions.disagreements, []);
  assert.equal(report.versions.sortedAlike, true);
});

test("every sampled wheel uploads over the real upload route", TIMEOUT, () => {
  assert.deepEqual(report.uploads?.refused, []);
  assert.equal(report.uploads?.accepted, report.wheels);
});
