/**
 * The Python program `inspectPython` runs once per interpreter. It prints one JSON object with
 * the PEP 508 marker environment, the supported tags in priority order, the sysconfig install
 * schemes (resolved the way pip's `locations/_sysconfig.py` resolves them) and the interpreter's
 * layout. Written for Python 3.6+ (no walrus, no `text=`), standard library only.
 *
 * Tags: on CPython on glibc Linux (x86_64, aarch64), from the port of packaging's `sys_tags`
 * below (current packaging: `cpXY-none-any` included, as pip adds it), which the tests check
 * against pip's `get_supported()` on every CPython at hand: it needs no import, where importing pip costs 25 ms,
 * and some 60 ms more when pip's bytecode was never written (a venv made with
 * PYTHONDONTWRITEBYTECODE) — on a cold cache, the interpreter's answer is awaited before
 * anything can be resolved. Elsewhere, from pip's own `get_supported()` when pip is importable
 * (exactly what pip matches wheels against), else `packaging.tags.sys_tags()`, else the port.
 * WHEELHOUSE_INSPECT_TAGS=pip|builtin chooses (for the tests).
 */
export const INSPECT_SCRIPT = String.raw`
import json, os, platform, re, struct, sys, sysconfig

# (subprocess is imported where it is needed, on musl and macOS: ~5 ms of every run elsewhere.)

PLACEHOLDER = sys.argv[1] if len(sys.argv) > 1 else "/__wheelhouse_prefix__"
TAGS_FROM = os.environ.get("WHEELHOUSE_INSPECT_TAGS", "")


def format_full_version(info):
    version = "{0.major}.{0.minor}.{0.micro}".format(info)
    if info.releaselevel != "final":
        version += info.releaselevel[0] + str(info.serial)
    return version


def in_venv():
    return sys.prefix != getattr(sys, "base_prefix", sys.prefix) or hasattr(sys, "real_prefix")


# ---- a port of packaging.tags (see sys_tags for when it is used) ----

def _normalize_string(s):
    return s.replace(".", "_").replace("-", "_").replace(" ", "_")


def _version_nodot(v):
    return "".join(map(str, v))


def _config(name):
    return sysconfig.get_config_var(name)


def _interpreter_name():
    name = sys.implementation.name
    return {"python": "py", "cpython": "cp", "pypy": "pp", "ironpython": "ip", "jython": "jy"}.get(name, name)


def _interpreter_version():
    v = _config("py_version_nodot")
    return str(v) if v else _version_nodot(sys.version_info[:2])


def _cpython_abis(py_version):
    abis = []
    version = _version_nodot(py_version[:2])
    threading = debug = pymalloc = ucs4 = ""
    with_debug = _config("Py_DEBUG")
    try:
        import importlib.machinery
        has_ext = "_d.pyd" in importlib.machinery.EXTENSION_SUFFIXES
    except Exception:
        has_ext = False
    if with_debug or (with_debug is None and (hasattr(sys, "gettotalrefcount") or has_ext)):
        debug = "d"
    if py_version >= (3, 13) and _config("Py_GIL_DISABLED"):
        threading = "t"
    if py_version < (3, 8):
        with_pymalloc = _config("WITH_PYMALLOC")
        if with_pymalloc or with_pymalloc is None:
            pymalloc = "m"
    elif debug:
        abis.append("cp{}{}".format(version, threading))
    abis.insert(0, "cp{}{}{}{}{}".format(version, threading, debug, pymalloc, ucs4))
    return abis, threading


def _glibc_version():
    try:
        s = os.confstr("CS_GNU_LIBC_VERSION")
        _, v = s.split()
    except Exception:
        try:
            import ctypes
            f = ctypes.CDLL(None).gnu_get_libc_version
            f.restype = ctypes.c_char_p
            v = f().decode("ascii")
        except Exception:
            return (-1, -1)
    m = re.match(r"(?P<major>[0-9]+)\.(?P<minor>[0-9]+)", v)
    return (int(m.group("major")), int(m.group("minor"))) if m else (-1, -1)


def _musl_version():
    # The dynamic loader named in the executable's PT_INTERP prints its version.
    try:
        with open(sys.executable, "rb") as f:
            data = f.read(1 << 16)
        if data[:4] != b"\x7fELF":
            return None
        m = re.search(rb"/lib/ld-musl-[^\x00]+", data)
        if not m:
            return None
        import subprocess
        proc = subprocess.run([m.group(0).decode()], stderr=subprocess.PIPE, universal_newlines=True)
        vm = re.search(r"Version (\d+)\.(\d+)", proc.stderr)
        return (int(vm.group(1)), int(vm.group(2))) if vm else None
    except Exception:
        return None


LEGACY_MANYLINUX = {(2, 17): "manylinux2014", (2, 12): "manylinux2010", (2, 5): "manylinux1"}


def _manylinux_tags(archs):
    if not set(archs) & {"x86_64", "i686", "aarch64", "ppc64", "ppc64le", "s390x", "armv7l", "loongarch64", "riscv64"}:
        return
    too_old = (2, 4) if set(archs) & {"x86_64", "i686"} else (2, 16)
    current = _glibc_version()
    if current == (-1, -1):
        return
    maxes = [current] + [(major, 50) for major in range(current[0] - 1, 1, -1)]
    for arch in archs:
        for gmax in maxes:
            min_minor = too_old[1] if gmax[0] == too_old[0] else -1
            for minor in range(gmax[1], min_minor, -1):
                v = (gmax[0], minor)
                if v <= current:
                    yield "manylinux_{}_{}_{}".format(v[0], v[1], arch)
                    if v in LEGACY_MANYLINUX:
                        yield "{}_{}".format(LEGACY_MANYLINUX[v], arch)


def _musllinux_tags(archs):
    v = _musl_version()
    if v is None:
        return
    for arch in archs:
        for minor in range(v[1], -1, -1):
            yield "musllinux_{}_{}_{}".format(v[0], minor, arch)


def _linux_platforms():
    linux = _normalize_string(sysconfig.get_platform())
    if not linux.startswith("linux_"):
        yield linux
        return
    if struct.calcsize("P") == 4:
        if linux == "linux_x86_64":
            linux = "linux_i686"
        elif linux == "linux_aarch64":
            linux = "linux_armv8l"
    _, arch = linux.split("_", 1)
    archs = {"armv8l": ["armv8l", "armv7l"]}.get(arch, [arch])
    for t in _manylinux_tags(archs):
        yield t
    for t in _musllinux_tags(archs):
        yield t
    for a in archs:
        yield "linux_" + a


def _mac_binary_formats(version, cpu_arch):
    formats = [cpu_arch]
    if cpu_arch == "x86_64":
        if version < (10, 4):
            return []
        formats.extend(["intel", "fat64", "fat32"])
    elif cpu_arch == "i386":
        if version < (10, 4):
            return []
        formats.extend(["intel", "fat32", "fat"])
    elif cpu_arch == "ppc64":
        if version > (10, 5) or version < (10, 4):
            return []
        formats.append("fat64")
    elif cpu_arch == "ppc":
        if version > (10, 6):
            return []
        formats.extend(["fat32", "fat"])
    if cpu_arch in {"arm64", "x86_64"}:
        formats.append("universal2")
    if cpu_arch in {"x86_64", "i386", "intel", "ppc", "ppc64", "fat32", "fat64"}:
        formats.append("universal")
    return formats


def _mac_platforms():
    version_str, _, cpu_arch = platform.mac_ver()
    version = tuple(map(int, version_str.split(".")[:2]))
    if version == (10, 16):
        import subprocess
        version_str = subprocess.run(
            [sys.executable, "-sS", "-c", "import platform; print(platform.mac_ver()[0])"],
            check=True, env={"SYSTEM_VERSION_COMPAT": "0"}, stdout=subprocess.PIPE, universal_newlines=True,
        ).stdout
        version = tuple(map(int, version_str.split(".")[:2]))
    arch = cpu_arch
    if struct.calcsize("P") == 4:
        arch = "ppc" if cpu_arch.startswith("ppc") else "i386"
    if (10, 0) <= version < (11, 0):
        for minor in range(version[1], -1, -1):
            for fmt in _mac_binary_formats((10, minor), arch):
                yield "macosx_10_{}_{}".format(minor, fmt)
    if version >= (11, 0):
        for major in range(version[0], 10, -1):
            for fmt in _mac_binary_formats((major, 0), arch):
                yield "macosx_{}_0_{}".format(major, fmt)
        for minor in range(16, 3, -1):
            if arch == "x86_64":
                for fmt in _mac_binary_formats((10, minor), arch):
                    yield "macosx_10_{}_{}".format(minor, fmt)
            else:
                yield "macosx_10_{}_universal2".format(minor)


def _platform_tags():
    if platform.system() == "Darwin":
        return list(_mac_platforms())
    if platform.system() == "Linux":
        return list(_linux_platforms())
    return [_normalize_string(sysconfig.get_platform())]


def _generic_abi():
    ext_suffix = _config("EXT_SUFFIX")
    if not isinstance(ext_suffix, str) or ext_suffix[0] != ".":
        return []
    parts = ext_suffix.split(".")
    if len(parts) < 3:
        return _cpython_abis(sys.version_info[:2])[0] if _interpreter_name() == "cp" else []
    soabi = parts[1]
    if soabi.startswith("cpython"):
        abi = "cp" + soabi.split("-")[1]
    elif soabi.startswith("cp"):
        abi = soabi.split("-")[0]
    elif soabi.startswith("pypy"):
        abi = "-".join(soabi.split("-")[:2])
    elif soabi.startswith("graalpy"):
        abi = "-".join(soabi.split("-")[:3])
    elif soabi:
        abi = soabi
    else:
        return []
    return [_normalize_string(abi)]


def _py_interpreter_range(py_version):
    yield "py" + _version_nodot(py_version[:2])
    yield "py{}".format(py_version[0])
    for minor in range(py_version[1] - 1, -1, -1):
        yield "py" + _version_nodot((py_version[0], minor))


def builtin_sys_tags():
    tags = []
    name = _interpreter_name()
    pyv = sys.version_info[:2]
    platforms = _platform_tags()
    if name == "cp":
        interpreter = "cp" + _version_nodot(pyv)
        abis, threading = _cpython_abis(pyv)
        abis = [a for a in abis if a not in ("abi3", "none")]
        abi3 = pyv >= (3, 2) and not threading
        for abi in abis:
            tags += [(interpreter, abi, p) for p in platforms]
        if abi3:
            tags += [(interpreter, "abi3", p) for p in platforms]
        tags += [(interpreter, "none", p) for p in platforms]
        if abi3:
            for minor in range(pyv[1] - 1, 1, -1):
                tags += [("cp" + _version_nodot((pyv[0], minor)), "abi3", p) for p in platforms]
    else:
        interpreter = name + _interpreter_version()
        abis = list(_generic_abi())
        if "none" not in abis:
            abis.append("none")
        for abi in abis:
            tags += [(interpreter, abi, p) for p in platforms]
    interp = "pp3" if name == "pp" else ("cp" + _interpreter_version() if name == "cp" else None)
    for v in _py_interpreter_range(pyv):
        tags += [(v, "none", p) for p in platforms]
    if interp:
        tags.append((interp, "none", "any"))
    for v in _py_interpreter_range(pyv):
        tags.append((v, "none", "any"))
    return ["-".join(t) for t in tags]


def _port_is_checked():
    # Where the tests compare the port with pip: CPython on glibc Linux, x86_64 or aarch64 (the
    # port leaves out packaging's ELF checks for armv7l and i686), and no _manylinux module
    # overriding the manylinux tags.
    if sys.implementation.name != "cpython" or not sys.platform.startswith("linux"):
        return False
    if platform.machine() not in ("x86_64", "aarch64") or _glibc_version() == (-1, -1):
        return False
    try:
        import _manylinux  # noqa: F401
        return False
    except ImportError:
        return True


def sys_tags():
    if TAGS_FROM == "builtin" or (TAGS_FROM != "pip" and _port_is_checked()):
        return builtin_sys_tags(), "builtin"
    try:
        # Exactly what pip matches wheels against (it adds e.g. cp311-none-any to sys_tags).
        from pip._internal.utils.compatibility_tags import get_supported
        return [str(t) for t in get_supported()], "pip"
    except Exception:
        pass
    try:
        import packaging.tags
        return [str(t) for t in packaging.tags.sys_tags()], "packaging.tags"
    except Exception:
        pass
    return builtin_sys_tags(), "builtin"


# ---- install schemes, as pip's locations/_sysconfig.py chooses them ----

SCHEMES = set(sysconfig.get_scheme_names())
PREFERRED = getattr(sysconfig, "get_preferred_scheme", None)


def is_osx_framework():
    return bool(_config("PYTHONFRAMEWORK"))


def infer_prefix():
    if PREFERRED:
        return PREFERRED("prefix")
    if "osx_framework_library" in SCHEMES and not in_venv() and is_osx_framework():
        return "osx_framework_library"
    for name in ("{}_{}".format(sys.implementation.name, os.name), sys.implementation.name, os.name + "_prefix", os.name):
        if name in SCHEMES:
            return name
    return "posix_prefix"


def infer_user():
    if PREFERRED:
        return PREFERRED("user")
    name = "osx_framework_user" if is_osx_framework() and not in_venv() else os.name + "_user"
    if name in SCHEMES:
        return name
    return "posix_user" if "posix_user" in SCHEMES else None


def infer_home():
    if PREFERRED:
        return PREFERRED("home")
    return os.name + "_home" if os.name + "_home" in SCHEMES else "posix_home"


HOME_KEYS = ["installed_base", "base", "installed_platbase", "platbase", "prefix", "exec_prefix"]
if _config("userbase") is not None:
    HOME_KEYS.append("userbase")
KEYS = ("purelib", "platlib", "scripts", "data", "include")


def scheme_paths(kind):
    variables = {}
    if kind == "user":
        name = infer_user()
        if name is None:
            return None
    elif kind == "home":
        name = infer_home()
        variables = dict((k, PLACEHOLDER) for k in HOME_KEYS)
    else:
        name = infer_prefix()
        if kind == "prefix":
            if name == "osx_framework_library":
                name = "posix_prefix"
            variables = dict((k, PLACEHOLDER) for k in HOME_KEYS)
    paths = sysconfig.get_paths(scheme=name, vars=variables)
    out = dict((k, paths[k]) for k in KEYS)
    if in_venv():
        # pip: a special header path in virtual environments.
        if kind == "user":
            base = variables.get("userbase", sysconfig.get_config_var("userbase") or sys.prefix)
        else:
            base = variables.get("base", sys.prefix)
        out["include"] = os.path.join(base, "include", "site", "python{}.{}".format(*sys.version_info[:2]))
    out["scheme"] = name
    return out


tags, tags_source = sys_tags()
try:
    import site
    user_site = site.getusersitepackages() if hasattr(site, "getusersitepackages") else None
    enable_user_site = bool(site.ENABLE_USER_SITE)
except Exception:
    user_site, enable_user_site = None, False

print(json.dumps({
    "executable": sys.executable,
    "version": sys.version,
    "versionInfo": list(sys.version_info[:3]),
    "implementation": sys.implementation.name,
    "cacheTag": sys.implementation.cache_tag,
    "markers": {
        "implementation_name": sys.implementation.name,
        "implementation_version": format_full_version(sys.implementation.version),
        "os_name": os.name,
        "platform_machine": platform.machine(),
        "platform_release": platform.release(),
        "platform_system": platform.system(),
        "platform_version": platform.version(),
        "python_full_version": platform.python_version(),
        "platform_python_implementation": platform.python_implementation(),
        "python_version": ".".join(platform.python_version_tuple()[:2]),
        "sys_platform": sys.platform,
    },
    "tags": tags,
    "tagsSource": tags_source,
    "prefix": sys.prefix,
    "basePrefix": getattr(sys, "base_prefix", sys.prefix),
    "isVirtualEnv": in_venv(),
    "sysPath": [p for p in sys.path[1:] if p],
    "userSite": user_site,
    "enableUserSite": enable_user_site,
    "stdlib": [p for p in (sysconfig.get_path("stdlib"), sysconfig.get_path("platstdlib")) if p],
    "placeholder": PLACEHOLDER,
    "schemes": {
        "default": scheme_paths("default"),
        "user": scheme_paths("user"),
        "prefix": scheme_paths("prefix"),
        "home": scheme_paths("home"),
    },
}))
`;
