/**
 * CLI plumbing shared by every subcommand: one JSON document or readable lines on stdout,
 * one line on stderr and a non-zero exit for a failure (no stack trace), hex input parsing.
 */
import { isZseError } from "../util/errors.js";

export interface JsonFlag {
  json?: boolean;
}

/** Prints exactly one JSON document (2-space indent) on stdout. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Prints `value` as JSON when --json is set, else the human lines. */
export function emit(opts: JsonFlag, value: unknown, human: () => string | string[]): void {
  if (opts.json) printJson(value);
  else {
    const h = human();
    process.stdout.write(`${Array.isArray(h) ? h.join("\n") : h}\n`);
  }
}

/** Exit codes: 1 = the operation ran and said no (e.g. invalid certificate), 2 = bad input or failure. */
export const EXIT_NEGATIVE = 1;
export const EXIT_ERROR = 2;

/** Prints a one-line error on stderr and exits with EXIT_ERROR. */
export function fail(message: string): never {
  process.stderr.write(`zse: ${message.split("\n")[0]}\n`);
  process.exit(EXIT_ERROR);
}

/**
 * Wraps a command action: expected errors (ZseError) become one line on stderr; anything else
 * too, with ZSE_DEBUG=1 printing the stack.
 */
export function action<A extends unknown[]>(
  fn: (...args: A) => void | Promise<void>,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (e) {
      if (process.env.ZSE_DEBUG) console.error(e);
      if (isZseError(e)) fail(e.message);
      fail(`internal error: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
}
