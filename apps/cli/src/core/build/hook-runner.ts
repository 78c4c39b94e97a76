/**
 * The Python side of PEP 517: a script run with the target interpreter, as a file (so the
 * source tree is not on sys.path unless `backend-path` puts it there), the way
 * pyproject_hooks' `_in_process.py` runs. Usage: `runner.py <hook> <input.json> <output.json>`.
 * Hooks: read_pyproject, get_requires_for_build_wheel, prepare_metadata_for_build_wheel
 * (falls back to building the wheel and unpacking its .dist-info), build_wheel, and their PEP 660
 * counterparts get_requires_for_build_editable, prepare_metadata_for_build_editable (same
 * fallback, through build_editable), build_editable; has_build_editable answers whether the
 * backend has that hook (pyproject_hooks' _supported_features).
 */
export const HOOK_RUNNER = String.raw`
import json, os, shutil, sys, traceback, zipfile


def load_toml(path):
    for mod in ("tomllib", "tomli", "pip._vendor.tomli"):
        try:
            toml = __import__(mod, fromlist=["loads"])
            break
        except ImportError:
            continue
    else:
        raise RuntimeError("no TOML parser available (tomllib, tomli or pip's vendored tomli)")
    with open(path, "rb") as f:
        return toml.loads(f.read().decode("utf-8"))


class BackendInvalid(Exception):
    pass


class HookMissing(Exception):
    pass


def contained_in(filename, directory):
    filename = os.path.normcase(os.path.abspath(filename))
    directory = os.path.normcase(os.path.abspath(directory))
    return os.path.commonprefix([filename, directory]) == directory


def load_backend(spec, backend_path):
    extra = [os.path.abspath(p) for p in backend_path]
    sys.path[:0] = extra
    mod_path, _, obj_path = spec.partition(":")
    try:
        import importlib
        obj = importlib.import_module(mod_path)
    except ImportError:
        raise BackendInvalid("Cannot import %r" % mod_path)
    if extra and not any(contained_in(obj.__file__, p) for p in extra):
        raise BackendInvalid("Backend was not loaded from backend-path")
    for part in [p for p in obj_path.split(".") if p]:
        obj = getattr(obj, part)
    return obj


def main():
    hook, in_path, out_path = sys.argv[1:4]
    with open(in_path) as f:
        args = json.load(f)
    result = {}
    try:
        if hook == "read_pyproject":
            result["return"] = load_toml("pyproject.toml").get("build-system") if os.path.exists("pyproject.toml") else None
        else:
            backend = load_backend(args["backend"], args.get("backend_path") or [])
            config = args.get("config_settings")
            if hook in ("get_requires_for_build_wheel", "get_requires_for_build_editable"):
                fn = getattr(backend, hook, None)
                result["return"] = list(fn(config)) if fn else []
            elif hook == "has_build_editable":
                result["return"] = hasattr(backend, "build_editable")
            elif hook in ("prepare_metadata_for_build_wheel", "prepare_metadata_for_build_editable"):
                fn = getattr(backend, hook, None)
                md = args["metadata_directory"]
                if fn:
                    result["return"] = fn(md, config)
                else:
                    build = backend.build_wheel if hook == "prepare_metadata_for_build_wheel" else backend.build_editable
                    wheel_dir = os.path.join(md, ".wheel")
                    os.makedirs(wheel_dir)
                    name = build(wheel_dir, config)
                    with zipfile.ZipFile(os.path.join(wheel_dir, name)) as z:
                        infos = sorted(set(n.split("/")[0] for n in z.namelist() if n.split("/")[0].endswith(".dist-info")))
                        if len(infos) != 1:
                            raise RuntimeError("the built wheel has %d .dist-info directories" % len(infos))
                        z.extractall(md, [n for n in z.namelist() if n.startswith(infos[0] + "/")])
                    result["return"] = infos[0]
                    result["wheel"] = os.path.join(wheel_dir, name)
            elif hook in ("build_wheel", "build_editable"):
                result["return"] = getattr(backend, hook)(args["wheel_directory"], config, args.get("metadata_directory"))
            else:
                raise RuntimeError("unknown hook %r" % hook)
    except BackendInvalid as e:
        result = {"backend_invalid": True, "error": str(e)}
    except Exception:
        result = {"error": traceback.format_exc()}
    with open(out_path, "w") as f:
        json.dump(result, f)


main()
`;

/**
 * pip's build environment isolation (`build_env.py`): a sitecustomize that takes the target's
 * site-packages off sys.path and adds the build prefix's lib directories instead.
 */
export function isolationSitecustomize(systemSites: string[], libDirs: string[]): string {
  return `import os, site, sys

# First, drop system-sites related paths.
original_sys_path = sys.path[:]
known_paths = set()
for path in ${JSON.stringify(systemSites)}:
    site.addsitedir(path, known_paths=known_paths)
system_paths = set(os.path.normcase(path) for path in sys.path[len(original_sys_path):])
original_sys_path = [path for path in original_sys_path if os.path.normcase(path) not in system_paths]
sys.path = original_sys_path

# Second, add lib directories, ensuring .pth files are processed.
for path in ${JSON.stringify(libDirs)}:
    if path not in sys.path:
        site.addsitedir(path)
`;
}
