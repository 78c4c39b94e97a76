import { CliError } from "../cli-error.ts";
/**
 * A Wheelhouse registry's own API sits beside each index's simple pages: `{root}api/…`, where
 * `{root}` is the index URL without its trailing `simple/` segment (`http://h/simple/` →
 * `http://h/` for the default index, `http://h/acme/simple/` → `http://h/acme/`). Userinfo stays
 * on the root, so API requests authenticate as the index pages do (userinfo, netrc, keyring).
 */

/** The index URL cannot be the root of a Wheelhouse registry's API. */
export class NotAWheelhouseIndex extends CliError {
  override name = "NotAWheelhouseIndex";
}

/**
 * `{root}` of `indexUrl`; `command` names who needs it in the error (`search`), and `shown`
 * redacts the URL for it.
 */
export function registryApiRoot(indexUrl: string, command: string, shown: (url: string) => string = (u) => u): string {
  const needs = `${command} needs a Wheelhouse index URL (http(s)://…/simple/, as the registry serves it)`;
  let url: URL;
  try {
    url = new URL(indexUrl);
  } catch {
    throw new NotAWheelhouseIndex(`${needs}; ${shown(indexUrl)} is not a URL`);
  }
  const path = /^(.*\/)simple\/?$/.exec(url.pathname);
  if ((url.protocol !== "http:" && url.protocol !== "https:") || !path) throw new NotAWheelhouseIndex(`${needs}; got ${shown(indexUrl)}`);
  url.pathname = path[1]!;
  url.search = "";
  url.hash = "";
  return url.toString();
}
