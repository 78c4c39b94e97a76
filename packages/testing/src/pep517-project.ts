// A Python project that builds offline: pyproject.toml naming an in-tree, stdlib-only PEP 517 /
// PEP 660 backend (as pip's own tests use), and its package. Written to a directory (writeTree)
// it is a project to install or edit; packed by buildSdist it is an sdist to build. Every hook
// the backend runs appends its name to `hooks.log` in the directory it runs in.
import { metadataText } from "./metadata.ts";

export interface BackendProjectOptions {
  /** Requires-Dist. */
  dependencies?: string[];
  /** [build-system] requires (installed under build isolation before any hook runs). */
  buildRequires?: string[];
  /** Modules every hook imports: proves the build requirements reached the backend. */
  imports?: string[];
  /** PEP 660 hooks (build_editable: a .pth naming the project directory); default true. */
  editable?: boolean;
  /** build_wheel prints "compiling the impossible" and raises (its metadata hook still works). */
  failBuild?: boolean;
  /** More METADATA header lines (`Summary: …`). */
  headers?: string[];
  /** METADATA's description; default "The <name> project, built in place.\n". */
  description?: string;
  /** The import package; default the name lowercased, `-` and `.` as `_`. */
  module?: string;
  /** `<module>/__init__.py`; default `VALUE = "original"\n`. */
  moduleSource?: string;
}

/** The project's files by relative path: pyproject.toml, test_backend.py, <module>/__init__.py. */
export function backendProjectFiles(name: string, version: string, options: BackendProjectOptions = {}): Record<string, string> {
  const module = options.module ?? name.toLowerCase().replace(/[-.]+/g, "_");
  const dist = name.replace(/[-_.]+/g, "_");
  const metadata = metadataText({
    name,
    version,
    requiresDist: options.dependencies ?? [],
    headers: options.headers ?? [],
    description: options.description ?? `The ${name} project, built in place.\n`,
  });
  const imports = (options.imports ?? []).map((m) => `    import ${m}\n`).join("");
  const failure = options.failBuild ? '    print("compiling the impossible")\n    raise RuntimeError("this build fails on purpose")\n' : "";
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
  const backend = String.raw`
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
${failure}    files = {}
    for root, _, names in os.walk(MODULE):
        for n in names:
            if n.endswith(".py"):
                p = os.path.join(root, n)
                files[p.replace(os.sep, "/")] = open(p, "rb").read()
    return _wheel(os.path.join(wheel_directory, "%s-%s-py3-none-any.whl" % (DIST, VERSION)), files)
${options.editable === false ? "" : editableHooks}`;
  return {
    "pyproject.toml": `[build-system]\nrequires = ${JSON.stringify(options.buildRequires ?? [])}\nbuild-backend = "test_backend"\nbackend-path = ["."]\n`,
    "test_backend.py": backend,
    [`${module}/__init__.py`]: options.moduleSource ?? 'VALUE = "original"\n',
  };
}
