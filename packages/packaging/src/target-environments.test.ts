import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseMarker } from "./markers.ts";
import { DEFAULT_PYTHONS, TARGET_ENVIRONMENTS, markerEnvironments, markerMayHold, osValuesOf } from "./target-environments.ts";

describe("markerEnvironments", () => {
  it("derives sys_platform, platform_system and platform_machine from platform tags", () => {
    assert.deepEqual(osValuesOf("manylinux_2_17_aarch64"), { os_name: "posix", sys_platform: "linux", platform_system: "Linux", machines: ["aarch64"] });
    assert.deepEqual(osValuesOf("manylinux2014_x86_64"), { os_name: "posix", sys_platform: "linux", platform_system: "Linux", machines: ["x86_64"] });
    assert.deepEqual(osValuesOf("win_amd64"), { os_name: "nt", sys_platform: "win32", platform_system: "Windows", machines: ["AMD64"] });
    assert.deepEqual(osValuesOf("macosx_11_0_universal2"), {
      os_name: "posix",
      sys_platform: "darwin",
      platform_system: "Darwin",
      machines: ["arm64", "x86_64"],
    });
    assert.deepEqual(osValuesOf("macosx-10.9-intel"), { os_name: "posix", sys_platform: "darwin", platform_system: "Darwin", machines: ["x86_64"] });
    assert.equal(osValuesOf("any"), null);
  });
  it("crosses pythons with platforms (two patch levels each)", () => {
    const envs = markerEnvironments(["3.11", "3.12"], ["win_amd64", "manylinux_2_17_x86_64"]);
    assert.equal(envs.length, 8);
    assert.deepEqual([...new Set(envs.map((e) => `${e.python_version}/${e.sys_platform}`))], ["3.11/win32", "3.11/linux", "3.12/win32", "3.12/linux"]);
  });
  it("covers the common platforms and CPython 3.8 to 3.14 when the selection names none", () => {
    const envs = markerEnvironments(undefined, []);
    assert.deepEqual([...new Set(envs.map((e) => e.sys_platform))].sort(), ["darwin", "linux", "win32"]);
    assert.deepEqual([...new Set(envs.map((e) => e.python_version))], ["3.8", "3.9", "3.10", "3.11", "3.12", "3.13", "3.14"]);
    assert.deepEqual(envs, TARGET_ENVIRONMENTS);
    // 7 Pythons × 2 patch levels × 5 platforms.
    assert.equal(envs.length, DEFAULT_PYTHONS.length * 2 * 5);
  });
});

describe("one list for sync and bundle", () => {
  // What the bundle and the sync each tried before they shared this list: the union loses neither.
  const key = (e: object) => JSON.stringify(Object.entries(e).sort());
  const all = new Set(TARGET_ENVIRONMENTS.map(key));
  it("holds every environment the bundle used (CPython 3.8–3.13 on 4 platforms)", () => {
    const platforms = [
      { os_name: "posix", sys_platform: "linux", platform_system: "Linux", platform_machine: "x86_64" },
      { os_name: "posix", sys_platform: "linux", platform_system: "Linux", platform_machine: "aarch64" },
      { os_name: "posix", sys_platform: "darwin", platform_system: "Darwin", platform_machine: "arm64" },
      { os_name: "nt", sys_platform: "win32", platform_system: "Windows", platform_machine: "AMD64" },
    ];
    for (const python of ["3.8", "3.9", "3.10", "3.11", "3.12", "3.13"]) {
      for (const p of platforms) {
        const env = {
          ...p,
          python_version: python,
          python_full_version: `${python}.0`,
          platform_release: "",
          platform_version: "",
          platform_python_implementation: "CPython",
          implementation_name: "cpython",
          implementation_version: `${python}.0`,
        };
        assert.ok(all.has(key(env)), `${python} on ${p.sys_platform}/${p.platform_machine}`);
      }
    }
  });
  it("holds every environment the sync used by default (CPython 3.9–3.14 on 5 platforms)", () => {
    const sync = markerEnvironments(["3.9", "3.10", "3.11", "3.12", "3.13", "3.14"]);
    for (const env of sync) assert.ok(all.has(key(env)), JSON.stringify(env));
  });
});

describe("markerMayHold", () => {
  const marker = (text: string) => parseMarker(text);
  it("is true when some target environment satisfies the marker; extras must be requested", () => {
    assert.equal(markerMayHold(null, []), true);
    assert.equal(markerMayHold(marker('sys_platform == "win32"'), []), true);
    assert.equal(markerMayHold(marker('python_version < "3.0"'), []), false);
    assert.equal(markerMayHold(marker('python_version == "3.8"'), []), true);
    assert.equal(markerMayHold(marker('python_full_version >= "3.14.1"'), []), true);
    assert.equal(markerMayHold(marker('extra == "socks"'), []), false);
    assert.equal(markerMayHold(marker('extra == "socks"'), ["socks"]), true);
  });
  it("takes other environments when given", () => {
    const linux312 = markerEnvironments(["3.12"], ["manylinux_2_17_x86_64"]);
    assert.equal(markerMayHold(marker('sys_platform == "win32"'), [], linux312), false);
    assert.equal(markerMayHold(marker('python_version >= "3.12"'), [], linux312), true);
  });
  it("counts a marker it cannot evaluate as holding", () => {
    // `~=` on strings that are no versions cannot be evaluated: the dependency is kept.
    assert.equal(markerMayHold(marker('platform_release ~= "x"'), []), true);
  });
});
