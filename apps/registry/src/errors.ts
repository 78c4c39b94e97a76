// Typed application errors. Services throw these; one middleware (http/error-handler.ts)
// turns them into responses, so no handler builds an error body itself.

export class AppError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** A stable machine-readable slug for problem+json `type` and for metrics. */
    readonly code: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class BadRequest extends AppError {
  constructor(message: string, code = "bad-request") {
    super(400, message, code);
  }
}

/** 401 with a Basic challenge: pip and twine retry with credentials when they see it. */
export class Unauthenticated extends AppError {
  constructor(message = "Authentication required.", realm = "wheelhouse") {
    super(401, message, "unauthenticated", { "WWW-Authenticate": `Basic realm="${realm}"` });
  }
}

export class Forbidden extends AppError {
  constructor(message: string, code = "forbidden") {
    super(403, message, code);
  }
}

export class NotFound extends AppError {
  constructor(message = "Not Found", code = "not-found") {
    super(404, message, code);
  }
}

export class Conflict extends AppError {
  constructor(message: string, code = "conflict") {
    super(409, message, code);
  }
}

export class PayloadTooLarge extends AppError {
  constructor(message: string) {
    super(413, message, "too-large");
  }
}

export class RangeNotSatisfiable extends AppError {
  constructor(size: number) {
    super(416, "Requested range not satisfiable.", "range-not-satisfiable", { "Content-Range": `bytes */${size}` });
  }
}

export class NotAcceptable extends AppError {
  constructor(message: string) {
    super(406, message, "not-acceptable");
  }
}
