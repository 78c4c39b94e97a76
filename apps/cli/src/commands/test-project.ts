// Test-only: a project directory (pyproject.toml + an in-tree, stdlib-only PEP 517/660 backend,
// as pip's own tests use) that builds offline. Its package `<module>/__init__.py` holds
// `VALUE = "original"`; the editable wheel is a `.pth` file naming the project directory, so an
// edit of the source shows without a reinstall. Every hook the backend runs is appended to
// `hooks.log` in the project directory.
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";

export interface TestProjectOptions {
  /** Requires-Dist. */
  dependencies?: string[];
  /** [build-system] requires (installed from the index under build isolation). */
  buildRequires?: string[];
  /** Modules every hook imports (to prove the build requirements reached the backend). */
  imports?: string[];
  /** Whether the backend has build_editable (PEP 660); default true. */
  editable?: boolean;
  /** Extra METADATA header lines (Summary: …). */
  headers?: string[];
}

/** Writes the project into `dir` (created); returns `dir`. */
export async function makeTestProject(dir: string, name: string, version: string, options: TestProjectOptions = {}): Promise<string> {
  const module = name.toLowerCase().replace(/[-.]+/g, "_");
  const dist = name.replace(/[-_.]+/g, "_");
  await mkdir(path.join(dir, module), { recursive: true });
  await writeFile(path.join(dir, module, "__init__.py"), 'VALUE = "original"\n');
  const metadata = [
    "Metadata-Version: 2.1",
    `Name: ${name}`,
    `Version: ${version}`,
    ...(options.headers ?? []),
    ...(options.dependencies ?? []).map((d) => `Requires-Dist: ${d}`),
    "",
    `The ${name} project, built in place.`,
    "",
  ].join("\n");
  const imports = (options.imports ?? []).map((m) => `    import ${m}\n`).join("");
  const editableHooks = String.raw`
def get_requires_for_build_editable(config_settings=None):
    _log("get_requires_for_build_editable")
    return []

def prepare_metadata_for_build_editable(metadata_directory, config_settings=None):
    _log("prepare_metadata_for_build_editable")
    return _metadata(metadata_directory)

def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    _log("build_editable")
    # setuptools names its editable wheels with a build tag, like this.
    name = "%s-%s-0.editable-py3-none-any.whl" % (DIST, VERSION)
    return _wheel(os.path.join(wheel_directory, name), {"__editable__.%s-%s.pth" % (DIST, VERSION): (os.path.abspath(".") + "\n").encode()})
`;
  await writeFile(
    path.join(dir, "test_backend.py"),
    String.raw`
import base64, hashlib, os, zipfile

NAME, VERSION, DIST, MODULE = ${JSON.stringify(name)}, ${JSON.stringify(version)}, ${JSON.stringify(dist)}, ${JSON.stringify(module)}
DIST_INFO = "%s-%s.dist-info" % (DIST, VERSION)
METADATA = ${JSON.stringify(metadata)}

def _log(hook):
${imports}    with open("hooks.log", "a") as f:
        f.write(hook + "\n")

def _metadata(metadata_directory):
    os.makedirs(os.path.join(metadata_directory, DIST_INFO))
    with open(os.path.join(metadata_directory, DIST_INFO, "METADATA"), "w") as f:
        f.write(METADATA)
    return DIST_INFO

def _wheel(path, files):
    files = dict(files)
    files[DIST_INFO + "/METADATA"] = METADATA.encode()
    files[DIST_INFO + "/WHEEL"] = b"Wheel-Version: 1.0\nGenerator: test_backend\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    record = []
    with zipfile.ZipFile(path, "w") as z:
        for p, data in sorted(files.items()):
            z.writestr(p, data)
            record.append("%s,sha256=%s,%d" % (p, base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode(), len(data)))
        record.append(DIST_INFO + "/RECORD,,")
        z.writestr(DIST_INFO + "/RECORD", "\n".join(record) + "\n")
    return os.path.basename(path)

def get_requires_for_build_wheel(config_settings=None):
    _log("get_requires_for_build_wheel")
    return []

def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    _log("prepare_metadata_for_build_wheel")
    return _metadata(metadata_directory)

def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    _log("build_wheel")
    files = {}
    for root, _, names in os.walk(MODULE):
        for n in names:
            if n.endswith(".py"):
                p = os.path.join(root, n)
                files[p.replace(os.sep, "/")] = open(p, "rb").read()
    return _wheel(os.path.join(wheel_directory, "%s-%s-py3-none-any.whl" % (DIST, VERSION)), files)
${options.editable === false ? "" : editableHooks}`,
  );
  await writeFile(
    path.join(dir, "pyproject.toml"),
    `[build-system]\nrequires = ${JSON.stringify(options.buildRequires ?? [])}\nbuild-backend = "test_backend"\nbackend-path = ["."]\n`,
  );
  return dir;
}
