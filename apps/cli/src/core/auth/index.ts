/** auth/: credentials for a URL (userinfo, index URL, netrc, keyring after a 401) and URL redaction. */
export { authorizationHeader, Credentials, type AuthLogLevel, type CredentialsInit, type ResponseLike } from "./credentials.ts";
export { keyringBackend, NO_KEYRING, SubprocessKeyring, which, type BasicCredentials, type KeyringBackend } from "./keyring.ts";
export { InvalidNetrc, netrcAuthenticators, netrcCredentials, netrcHost, netrcPath, parseNetrc, readNetrc, type Netrc, type NetrcEntry } from "./netrc.ts";
export { redactUrl, redactUrlsInText, removeAuthFromUrl, splitAuthFromUrl, type UrlAuth } from "./redact.ts";
