/**
 * Reading a repository's answer to an upload as twine does (twine/commands/upload.py
 * skip_upload, twine/exceptions.py RedirectDetected, twine/__main__.py's HTTPError message).
 */
import { STATUS_CODES } from "node:http";
import type { UploadResponse } from "./repository.ts";

/**
 * With --skip-existing: whether a refused upload means "already there". PyPI answers 400 with
 * "File already exists" in the reason and body; pypiserver 409; Nexus, Artifactory and GitLab
 * have their own words, which twine recognises too.
 */
export function appearsToExist(answer: UploadResponse): boolean {
  const reason = answer.reason.toLowerCase();
  const text = answer.body.toLowerCase();
  const either = (s: string): boolean => reason.includes(s) || text.includes(s);
  return (
    answer.status === 409 ||
    (answer.status === 400 && (either("already exist") || either("updating asset") || text.includes("already been taken"))) ||
    (answer.status === 403 && text.includes("overwrite artifact"))
  );
}

/** twine's RedirectDetected message; `url` and `location` already redacted. */
export function redirectMessage(url: string, location: string): string {
  if (location === `${url}/`) {
    return `${url} attempted to redirect to ${location}.\nYour repository URL is missing a trailing slash. Please add it and try again.`;
  }
  return `${url} attempted to redirect to ${location}.\nIf you trust these URLs, set ${location} as your repository URL and try again.`;
}

/**
 * `HTTPError: 400 Bad Request from <url>` and, on the next line, what the server said: its own
 * reason phrase (PyPI's message) and the body's sentence when it says more.
 */
export function failureMessage(answer: UploadResponse, url: string): string {
  const standard = STATUS_CODES[answer.status] ?? "";
  const lines = [`HTTPError: ${answer.status} ${standard || answer.reason} from ${url}`];
  const reason = answer.reason.trim();
  if (reason !== "" && reason !== standard) lines.push(reason);
  const sentence = bodySentence(answer.body);
  if (sentence !== "" && !lines.some((l) => l.includes(sentence))) lines.push(sentence);
  return lines.join("\n");
}

/** The body as one short piece of text: tags stripped from HTML, whitespace collapsed, at most 500 characters. */
function bodySentence(body: string): string {
  let text = body;
  if (/<html|<body|<h1|<p>/i.test(text)) {
    text = text
      .replace(/<(script|style|title)[^>]*>[\s\S]*?<\/\1>/gi, " ")
      .replace(/<[^>]+>/g, " ")
      .replace(/&amp;/g, "&")
      .replace(/&lt;/g, "<")
      .replace(/&gt;/g, ">")
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'");
  }
  text = text.replace(/\s+/g, " ").trim();
  return text.length > 500 ? `${text.slice(0, 497)}...` : text;
}
