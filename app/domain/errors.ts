/**
 * The four ways a request can fail on purpose. Domain and model code throw these; one
 * helper (app/utils/http.server.ts) maps them to form errors, error pages or API JSON.
 */
export type FieldErrors = Record<string, string>;

export class DomainError extends Error {}

/** Bad input. `fields` maps a field name to the message shown next to it. */
export class ValidationError extends DomainError {
  constructor(
    message: string,
    public readonly fields: FieldErrors = {},
  ) {
    super(message);
    this.name = "ValidationError";
  }
}

export class ForbiddenError extends DomainError {
  constructor(message = "You are not allowed to do that.") {
    super(message);
    this.name = "ForbiddenError";
  }
}

export class NotFoundError extends DomainError {
  constructor(message = "Not found.") {
    super(message);
    this.name = "NotFoundError";
  }
}

/** Someone else changed the row first (version mismatch), or the state forbids the change. */
export class ConflictError extends DomainError {
  constructor(
    message: string,
    public readonly details: string[] = [],
  ) {
    super(message);
    this.name = "ConflictError";
  }
}

/** The change needs the user's explicit confirmation first (it would withdraw sign-offs). */
export class NeedsConfirmation extends ConflictError {}
