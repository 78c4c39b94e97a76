/**
 * pip's yes/no prompt (`ask` in pip's utils/misc.py): asks on the terminal until the answer is
 * y, yes, n or no (an empty answer is yes, as pip's "(Y/n)" says), repeating the question after
 * anything else. Whether there is anyone to ask is the caller's decision.
 */
import { createInterface } from "node:readline/promises";
import type { OutputStream } from "../core/config/cli-options.ts";

/** `out` gets the complaint about an unexpected answer (the question itself goes to the terminal). */
export async function askYesNo(question: string, out: OutputStream): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    for (;;) {
      const answer = (await rl.question(question)).trim().toLowerCase();
      if (answer === "" || answer === "y" || answer === "yes") return true;
      if (answer === "n" || answer === "no") return false;
      out.write(`Your response ('${answer}') was not one of the expected responses: y, n, \n`);
    }
  } finally {
    rl.close();
  }
}
