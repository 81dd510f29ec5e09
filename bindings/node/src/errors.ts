// Errors: one class per kind of failure, with the library's status and error object.

/** The library's status numbers (`PteroStatus`, stable, never reused). */
export const Status = {
  OK: 0,
  INVALID_ARGUMENT: 1,
  API_ERROR: 2,
  RATE_LIMITED: 3,
  TIMEOUT: 4,
  TRANSPORT: 5,
  DECODE: 6,
  NOT_JSON: 7,
  PANIC: 8,
  OTHER: 9,
  TOO_LARGE: 10,
  CANCELLED: 11,
} as const;

export type StatusName = keyof typeof Status;

/** One of the panel's own error entries. */
export interface ApiErrorItem {
  code: string | null;
  status: string | null;
  detail: string | null;
  sourceField: string | null;
  rule: string | null;
}

/** The library's error object (include/pterodactyl.h), as it comes. */
interface WireError {
  status?: string;
  kind?: string;
  http_status?: number | null;
  message?: string;
  retry_after?: number | null;
  errors?: Array<{ code?: string; status?: string; detail?: string; source_field?: string | null; rule?: string | null }>;
}

/**
 * Every failure of a call. `status` is the library's status number, `statusName` its name
 * (`"API_ERROR"`), `kind` the core's error kind (`api`, `timeout`, ...), `errorJson` the whole
 * error object. The message is the one a person reads; it never contains the API key.
 */
export class PterodactylError extends Error {
  readonly status: number;
  readonly statusName: string;
  readonly kind: string;
  readonly errorJson: string | null;

  constructor(status: number, kind: string, message: string, errorJson: string | null) {
    super(message);
    this.name = new.target.name;
    this.status = status;
    this.statusName = (Object.keys(Status) as StatusName[]).find((k) => Status[k] === status) ?? 'OTHER';
    this.kind = kind;
    this.errorJson = errorJson;
  }
}

/**
 * The panel answered with an error status (403, 404, 409, 422, 5xx, ...). `httpStatus` says
 * which; `code`, `detail` and `sourceField` are the panel's first error entry, `errors` all of them.
 */
export class ApiError extends PterodactylError {
  readonly httpStatus: number;
  readonly errors: readonly ApiErrorItem[];

  constructor(status: number, kind: string, message: string, errorJson: string | null, httpStatus: number, errors: ApiErrorItem[]) {
    super(status, kind, message, errorJson);
    this.httpStatus = httpStatus;
    this.errors = Object.freeze(errors);
  }

  /** The first entry's code, e.g. `ValidationException`, or null. */
  get code(): string | null {
    return this.errors[0]?.code ?? null;
  }

  /** The first entry's detail (the message a person reads), or the message. */
  get detail(): string {
    return this.errors[0]?.detail ?? this.message;
  }

  /** The request field the first entry is about (validation errors), or null. */
  get sourceField(): string | null {
    return this.errors[0]?.sourceField ?? null;
  }
}

/** The panel answered 429 and the call was not (or no longer) retried. */
export class RateLimitedError extends ApiError {
  /** How many seconds the panel asked to wait, or null when it did not say. */
  readonly retryAfter: number | null;

  constructor(kind: string, message: string, errorJson: string | null, httpStatus: number, errors: ApiErrorItem[], retryAfter: number | null) {
    super(Status.RATE_LIMITED, kind, message, errorJson, httpStatus, errors);
    this.retryAfter = retryAfter;
  }
}

/** The call did not complete within the client's timeout. */
export class TimeoutError extends PterodactylError {}

/** The panel could not be reached, or the connection broke. */
export class TransportError extends PterodactylError {}

/**
 * The arguments were refused before any request: a bad URL or option, an unknown operation id,
 * a parameter of the wrong type, a closed client.
 */
export class InvalidArgumentError extends PterodactylError {}

/** Builds the error for a failed status and its error object (which may be missing or malformed). */
export function errorFrom(status: number, errorJson: string | null): PterodactylError {
  let wire: WireError = {};
  try {
    const parsed: unknown = errorJson === null ? null : JSON.parse(errorJson);
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) wire = parsed as WireError;
  } catch {
    wire = {};
  }
  const kind = wire.kind ?? 'other';
  const message = wire.message ?? errorJson ?? `libpterodactyl status ${status}`;
  switch (status) {
    case Status.API_ERROR:
    case Status.RATE_LIMITED: {
      const items: ApiErrorItem[] = (Array.isArray(wire.errors) ? wire.errors : []).map((e) => ({
        code: e.code ?? null,
        status: e.status ?? null,
        detail: e.detail ?? null,
        sourceField: e.source_field ?? null,
        rule: e.rule ?? null,
      }));
      const http = typeof wire.http_status === 'number' ? wire.http_status : 0;
      if (status === Status.RATE_LIMITED) {
        const after = typeof wire.retry_after === 'number' ? wire.retry_after : null;
        return new RateLimitedError(kind, message, errorJson, http, items, after);
      }
      return new ApiError(status, kind, message, errorJson, http, items);
    }
    case Status.TIMEOUT:
      return new TimeoutError(status, kind, message, errorJson);
    case Status.TRANSPORT:
      return new TransportError(status, kind, message, errorJson);
    case Status.INVALID_ARGUMENT:
      return new InvalidArgumentError(status, kind, message, errorJson);
    default:
      return new PterodactylError(status, kind, message, errorJson);
  }
}
