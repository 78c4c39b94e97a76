#!/usr/bin/env python3
"""Python's side of the conformance check: what pypa/packaging makes of real wheels.

    python dump_metadata.py metadata IN.json OUT.json    IN: {"wheels": [path, ...]}
    python dump_metadata.py versions IN.json OUT.json    IN: {"versions": [string, ...]}

Run by an interpreter that has `packaging` (26.3, installed from the local index into a fresh
venv). Writes one JSON document. Everything is reduced to strings the way packaging's own
str() prints it, so the TypeScript side can compare its results field by field:

- name: canonicalize_name(name, validate=True) (what packaging's Metadata.name validates);
- version: str(Version(v)) (the normalized form);
- requires-dist: str(Requirement(r)) for each entry;
- requires-python: str(SpecifierSet(s)) (clauses sorted, comma-joined);
- provides-extra: canonicalize_name(e, validate=True) (PEP 685, as Metadata.provides_extra does);
- an invalid value is "!invalid" (its message is not compared: only that both refuse it).
"""

import json
import re
import sys
import zipfile

import packaging
from packaging.metadata import Metadata, parse_email
from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import InvalidName, canonicalize_name
from packaging.version import InvalidVersion, Version

INVALID = "!invalid"


def metadata_member(archive, filename):
    """The wheel's .dist-info/METADATA: the top-level .dist-info named like the wheel (PEP 427)."""
    candidates = [n for n in archive.namelist() if re.fullmatch(r"[^/]+\.dist-info/METADATA", n)]
    wanted = canonicalize_name(filename.split("-")[0])
    for name in candidates:
        if canonicalize_name(name.split("/")[0][: -len(".dist-info")].rsplit("-", 1)[0]) == wanted:
            return name
    return candidates[0] if candidates else None


def typed(function, value):
    try:
        return function(value)
    except (InvalidName, InvalidVersion, InvalidRequirement, InvalidSpecifier):
        return INVALID


def spec_versions(specifier_set):
    # The versions written in the clauses; `.*` prefixes and `===` strings are not versions.
    return [s.version for s in specifier_set if s.operator != "===" and not s.version.endswith(".*")]


def read_wheel(path):
    filename = path.rsplit("/", 1)[-1]
    out = {"filename": filename}
    try:
        with zipfile.ZipFile(path) as archive:
            member = metadata_member(archive, filename)
            if member is None:
                out["error"] = "no .dist-info/METADATA"
                return out
            data = archive.read(member)
    except (OSError, zipfile.BadZipFile) as exc:
        out["error"] = "unreadable wheel: %s" % exc
        return out
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        out["error"] = "METADATA is not UTF-8"
        return out
    out["text"] = text
    raw, unparsed = parse_email(text)
    out["raw"] = {
        "metadata_version": raw.get("metadata_version"),
        "name": raw.get("name"),
        "version": raw.get("version"),
        "requires_dist": raw.get("requires_dist"),
        "requires_python": raw.get("requires_python"),
        "provides_extra": raw.get("provides_extra"),
    }
    out["unparsed"] = sorted(unparsed)
    versions = []
    requires_dist = []
    for r in raw.get("requires_dist") or []:
        try:
            requirement = Requirement(r)
        except InvalidRequirement:
            requires_dist.append(INVALID)
            continue
        requires_dist.append(str(requirement))
        versions += spec_versions(requirement.specifier)
    requires_python = None
    if "requires_python" in raw:
        try:
            specifier = SpecifierSet(raw["requires_python"])
            requires_python = str(specifier)
            versions += spec_versions(specifier)
        except InvalidSpecifier:
            requires_python = INVALID
    out["typed"] = {
        "name": typed(lambda n: canonicalize_name(n, validate=True), raw["name"]) if "name" in raw else None,
        "version": typed(lambda v: str(Version(v)), raw["version"]) if "version" in raw else None,
        "requires_dist": requires_dist,
        "requires_python": requires_python,
        "provides_extra": [typed(lambda e: canonicalize_name(e, validate=True), e) for e in raw.get("provides_extra") or []],
    }
    out["spec_versions"] = versions
    # packaging's full validation (what PyPI runs on upload): every problem, or none.
    try:
        Metadata.from_email(text, validate=True)
        out["valid"] = True
    except Exception as exc:  # an ExceptionGroup of InvalidMetadata, or a single one
        out["valid"] = False
        problems = getattr(exc, "exceptions", [exc])
        out["problems"] = [str(p) for p in problems]
    return out


def sort_versions(strings):
    parsed = {}
    for s in strings:
        try:
            parsed[s] = Version(s)
        except InvalidVersion:
            pass
    # Ties (1.0 and 1.0.0 are equal versions) are broken by the string, on both sides.
    order = sorted(parsed, key=lambda s: (parsed[s], s))
    return {"normalized": {s: str(v) for s, v in parsed.items()}, "order": order}


def main():
    mode, source, target = sys.argv[1:4]
    with open(source, encoding="utf-8") as handle:
        request = json.load(handle)
    if mode == "metadata":
        result = {"packaging": packaging.__version__, "wheels": [read_wheel(p) for p in request["wheels"]]}
    elif mode == "versions":
        result = {"packaging": packaging.__version__, **sort_versions(request["versions"])}
    else:
        raise SystemExit("mode must be metadata or versions")
    with open(target, "w", encoding="utf-8") as handle:
        json.dump(result, handle)


if __name__ == "__main__":
    main()
