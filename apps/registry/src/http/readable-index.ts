// The index lookup and read check of a route that takes a body, as middleware before the body
// parser: a refused client gets its 401/403 before the body is read, so it is never sent
// `100 Continue` (http/expect-continue.ts). The index is left in `res.locals.index`.
import type { Request, RequestHandler, Response } from "express";
import type { Db } from "@wheelhouse/db";
import { assertCanRead } from "../auth/authorize.ts";
import { findIndexOrThrow, type IndexRow } from "../services/find-index.ts";

export function readableIndex(db: Db, indexName: (req: Request) => string): RequestHandler {
  return async (req, res, next) => {
    const index = await findIndexOrThrow(db, indexName(req));
    assertCanRead(req, index);
    res.locals.index = index;
    next();
  };
}

/** The index `readableIndex` checked for this request. */
export function checkedIndex(res: Response): IndexRow {
  return res.locals.index as IndexRow;
}
