/** Asking the person at the terminal for a username or password (twine's prompt after nothing was found). */
import { createInterface } from "node:readline";
import { Writable } from "node:stream";

/** Whether a prompt can be shown: a terminal on stdin, and neither --no-input nor TWINE_NON_INTERACTIVE. */
export function canPrompt(noInput: boolean, env: NodeJS.ProcessEnv): boolean {
  const nonInteractive = env.TWINE_NON_INTERACTIVE;
  const envSays = nonInteractive !== undefined && nonInteractive !== "" && !["0", "false", "no"].includes(nonInteractive.toLowerCase());
  return !noInput && !envSays && process.stdin.isTTY === true;
}

/** Reads one line from the terminal; with `hidden`, what is typed is not echoed. */
export async function prompt(question: string, hidden: boolean): Promise<string> {
  let muted = false;
  const output = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      if (!muted) process.stderr.write(chunk);
      callback();
    },
  });
  const rl = createInterface({ input: process.stdin, output, terminal: true });
  try {
    return await new Promise<string>((resolve) => {
      rl.question(question, (answer) => resolve(answer));
      muted = hidden;
    });
  } finally {
    rl.close();
    if (hidden) process.stderr.write("\n");
  }
}
