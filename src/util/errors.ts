/**
 * The one error class of zigbee-se. Every failure the library reports on purpose is a
 * `ZseError` with a stable machine-readable `code`; the message names the field and the value
 * that failed. The CLI prints `message` on one line and exits non-zero.
 */
export type ZseErrorCode =
  | "BAD_HEX"
  | "BAD_LENGTH"
  | "BAD_VALUE"
  | "BAD_CRC"
  | "BAD_FORMAT"
  | "BAD_POINT"
  | "BAD_CERTIFICATE"
  | "BAD_SCALAR"
  | "BAD_STATE"
  | "BAD_FRAME"
  | "NOT_FOUND"
  | "EXISTS"
  | "IO";

export class ZseError extends Error {
  readonly code: ZseErrorCode;
  constructor(code: ZseErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ZseError";
    this.code = code;
  }
}

/** True for a ZseError (optionally of one code). */
export function isZseError(e: unknown, code?: ZseErrorCode): e is ZseError {
  return e instanceof ZseError && (code === undefined || e.code === code);
}
