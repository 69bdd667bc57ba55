/**
 * The one error registry: every error the gateway raises on purpose has a stable code, an HTTP status and a
 * message that is safe to show. The cause (for the log) is kept apart from what the client sees.
 */
export const errorCatalogue = {
  CONFIG_INVALID: { status: 500, message: 'The configuration is invalid.' },
  BAD_REQUEST: { status: 400, message: 'The request is malformed.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'This endpoint accepts application/json only.' },
  CSRF_FAILED: { status: 403, message: 'The form has expired or was not sent from this site. Reload and try again.' },
  LOGIN_FAILED: { status: 401, message: 'The user ID, password or one-time code is incorrect.' },
  NOT_AUTHENTICATED: { status: 401, message: 'Login is required.' },
  FORBIDDEN: { status: 403, message: 'Access is not permitted.' },
  NOT_FOUND: { status: 404, message: 'Not found.' },
  CONFLICT: { status: 409, message: 'The resource already exists.' },
  /** An unlock of an account that is not locked: nothing is done, and the caller is told so (issue 13). */
  NOT_LOCKED: { status: 409, message: 'The account is not locked; nothing was changed.' },
  /** A request body over `server.maxRequestBodyBytes` (workspace) or 1 MiB (the gateway's own endpoints). */
  PAYLOAD_TOO_LARGE: { status: 413, message: 'The request body is too large.' },
  RATE_LIMITED: { status: 429, message: 'Too many attempts. Wait and try again.' },
  STORE_UNAVAILABLE: { status: 503, message: 'The service is temporarily unavailable.' },
  UPSTREAM_UNAVAILABLE: { status: 502, message: 'The workspace is not reachable.' },
  CA_ERROR: { status: 400, message: 'The certificate operation failed.' },
  POLICY_VIOLATION: { status: 422, message: 'The value does not satisfy the policy.' },
  FILE_TOO_LARGE: { status: 413, message: 'The file is larger than the limit for transfers.' },
  FILE_KIND_REFUSED: { status: 422, message: 'This kind of file cannot be transferred.' },
  DOWNLOAD_REFUSED: { status: 403, message: 'This export cannot be downloaded.' },
  WORKSPACE_ERROR: { status: 502, message: 'The workspace did not give the file.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof errorCatalogue;

/** An error with a stable code; `detail` may be shown to the caller, `cause` goes only to the log. */
export class HicError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly detail: string | undefined;
  constructor(code: ErrorCode, detail?: string, options?: { cause?: unknown }) {
    super(detail ?? errorCatalogue[code].message, options);
    this.name = 'HicError';
    this.code = code;
    this.status = errorCatalogue[code].status;
    this.detail = detail;
  }
}

export function isHicError(err: unknown): err is HicError {
  return err instanceof HicError;
}
