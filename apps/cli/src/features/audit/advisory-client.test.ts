// The advisory query's URL and the checks on its answer.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { NotAWheelhouseIndex, registryApiRoot } from "../../core/index/registry-api.ts";
import { advisoriesQueryUrl, InvalidAdvisoryResponse, parseResults } from "./advisory-client.ts";

const advisoriesRoot = (indexUrl: string) => registryApiRoot(indexUrl, "audit");

describe("the registry API root audit queries", () => {
  const cases: [string, string][] = [
    ["http://h/simple/", "http://h/"],
    ["http://h/simple", "http://h/"],
    ["http://h/acme/simple/", "http://h/acme/"],
    ["https://u:p@h:8443/acme/simple/", "https://u:p@h:8443/acme/"],
  ];
  for (const [index, root] of cases) test(`${index} → ${root}`, () => assert.equal(advisoriesRoot(index), root));

  test("the query URL keeps the userinfo (credentials are sent as for the index)", () => {
    assert.equal(advisoriesQueryUrl(advisoriesRoot("https://u:p@h/acme/simple/")), "https://u:p@h/acme/api/advisories/query");
  });

  for (const bad of ["http://h/", "http://h/acme/", "http://h/notsimple/", "file:///srv/simple/", "not a url"]) {
    test(`${bad} is refused`, () =>
      assert.throws(
        () => advisoriesRoot(bad),
        (e: Error) => e instanceof NotAWheelhouseIndex && /audit needs a Wheelhouse index URL/.test(e.message),
      ));
  }
});

describe("parseResults", () => {
  const asked = [{ name: "Foo_Bar", version: "1.0" }];
  test("reads the contract's fields", () => {
    const [result] = parseResults(
      {
        results: [
          {
            name: "foo-bar",
            version: "1.0",
            vulnerabilities: [
              {
                id: "GHSA-1",
                aliases: ["CVE-1"],
                summary: "s",
                details: "d",
                fixed_in: ["1.2.0"],
                link: "l",
                source: "osv",
                withdrawn: null,
                severity: "high",
                published: "p",
                modified: "m",
              },
            ],
          },
        ],
      },
      asked,
      "u",
    );
    assert.deepEqual(result, {
      name: "foo-bar",
      version: "1.0",
      vulnerabilities: [
        {
          id: "GHSA-1",
          aliases: ["CVE-1"],
          summary: "s",
          details: "d",
          fixedIn: ["1.2.0"],
          link: "l",
          source: "osv",
          withdrawn: null,
          severity: "high",
          published: "p",
          modified: "m",
        },
      ],
    });
  });
  test("a body that does not answer what was asked is refused", () => {
    for (const body of [
      {},
      { results: [] },
      { results: [{ name: "other", vulnerabilities: [] }] },
      { results: [{ name: "foo-bar" }] },
      { results: [{ vulnerabilities: [{ summary: "no id" }] }] },
    ]) {
      assert.throws(() => parseResults(body, asked, "u"), InvalidAdvisoryResponse, JSON.stringify(body));
    }
  });
});
