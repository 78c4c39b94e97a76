import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { progressFor, ProgressRenderer, type ProgressStream } from "./progress.ts";

const UP = "\x1b[1A\x1b[2K";

function fakeTty(columns = 80): ProgressStream & { writes: string[] } {
  const writes: string[] = [];
  return { isTTY: true, columns, writes, write: (text: string) => void writes.push(text) };
}

const progress = (filename: string, done: number, total: number | null, cached = false) => ({ filename, url: `https://x/${filename}`, done, total, cached });

describe("ProgressRenderer", () => {
  it("draws one line per active download, redrawn in place, and the install's step count", () => {
    const tty = fakeTty();
    const r = new ProgressRenderer(tty);
    r.download(progress("a-1.0-py3-none-any.whl", 0, 2000));
    r.download(progress("b-2.0-py3-none-any.whl", 500, null));
    r.download(progress("a-1.0-py3-none-any.whl", 1500, 2000));
    r.downloaded("a-1.0-py3-none-any.whl");
    r.log("Collecting a");
    r.downloaded("b-2.0-py3-none-any.whl");
    r.step("Installing collected packages", 0, 2);
    r.step("Installing collected packages", 2, 2);
    r.clear();
    assert.deepEqual(tty.writes, [
      "  Downloading a-1.0-py3-none-any.whl  0 bytes / 2.0 kB\n",
      `${UP}  Downloading a-1.0-py3-none-any.whl  0 bytes / 2.0 kB\n  Downloading b-2.0-py3-none-any.whl  500 bytes\n`,
      `${UP}${UP}  Downloading a-1.0-py3-none-any.whl  1.5 kB / 2.0 kB\n  Downloading b-2.0-py3-none-any.whl  500 bytes\n`,
      `${UP}${UP}  Downloading b-2.0-py3-none-any.whl  500 bytes\n`,
      `${UP}Collecting a\n  Downloading b-2.0-py3-none-any.whl  500 bytes\n`,
      UP,
      "Installing collected packages (0/2)\n",
      `${UP}Installing collected packages (2/2)\n`,
      UP,
    ]);
  });

  it("shows nothing for cached files and cuts lines to the terminal's width", () => {
    const tty = fakeTty(20);
    const r = new ProgressRenderer(tty);
    r.download(progress("cached-1.0-py3-none-any.whl", 0, null, true));
    assert.deepEqual(tty.writes, []);
    r.download(progress("long-name-1.0-py3-none-any.whl", 10, 10));
    assert.deepEqual(tty.writes, ["  Downloading long-\n"]);
  });

  it("takes an unsized terminal (0 columns, as script(1) gives) for 80 columns", () => {
    const tty = fakeTty(0);
    new ProgressRenderer(tty).download(progress("long-name-1.0-py3-none-any.whl", 10, 10));
    assert.deepEqual(tty.writes, ["  Downloading long-name-1.0-py3-none-any.whl  10 bytes / 10 bytes\n"]);
  });

  it("is off on a pipe and with -q", () => {
    assert.equal(progressFor({ write: () => true }, 0), null);
    assert.equal(progressFor({ isTTY: false, write: () => true }, 0), null);
    assert.equal(progressFor(fakeTty(), 1), null);
    assert.ok(progressFor(fakeTty(), 0) instanceof ProgressRenderer);
  });
});
