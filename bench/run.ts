// `npm run bench [-- simple|upload|mirror-page|sync|install]`: prints each figure as a ratio against its reference.
import { benchInstall } from "./install.bench.ts";
import { benchMirrorPage } from "./mirror-page.bench.ts";
import { benchSimplePage } from "./simple-page.bench.ts";
import { benchSync } from "./sync.bench.ts";
import { benchUpload } from "./upload.bench.ts";

const benches: Record<string, () => Promise<void>> = {
  simple: benchSimplePage,
  upload: benchUpload,
  "mirror-page": benchMirrorPage,
  install: benchInstall,
  sync: benchSync,
};
const wanted = process.argv.slice(2);
for (const name of wanted.length ? wanted : Object.keys(benches)) {
  const bench = benches[name];
  if (!bench) {
    console.error(`unknown benchmark '${name}': choose from ${Object.keys(benches).join(", ")}`);
    process.exit(2);
  }
  await bench();
}
process.exit(0);
