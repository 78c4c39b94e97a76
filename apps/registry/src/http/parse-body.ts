import type { z } from "zod";
import { BadRequest } from "../errors.ts";

/** Validates a JSON body; the first problem becomes one sentence naming the field. */
export function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body ?? {});
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const where = issue.path.length ? `'${issue.path.join(".")}'` : "body";
    throw new BadRequest(`Invalid request ${where}: ${issue.message}.`, "bad-request");
  }
  return result.data;
}
