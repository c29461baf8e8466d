// gRPC status codes by number and name, and the answers that leave open
// whether Temporal applied a request. No imports: shared by every module.

export const Code = {
  OK: 0, CANCELLED: 1, UNKNOWN: 2, INVALID_ARGUMENT: 3, DEADLINE_EXCEEDED: 4, NOT_FOUND: 5,
  ALREADY_EXISTS: 6, PERMISSION_DENIED: 7, RESOURCE_EXHAUSTED: 8, FAILED_PRECONDITION: 9, ABORTED: 10,
  OUT_OF_RANGE: 11, UNIMPLEMENTED: 12, INTERNAL: 13, UNAVAILABLE: 14, DATA_LOSS: 15, UNAUTHENTICATED: 16,
} as const;

const NAMES = new Map<number, string>(Object.entries(Code).map(([name, code]) => [code, name]));

/** The canonical name of a status code, e.g. INVALID_ARGUMENT. */
export const codeName = (code: number): string => NAMES.get(code) ?? `CODE_${code}`;

/** DEADLINE_EXCEEDED, CANCELLED, UNAVAILABLE, UNKNOWN and INTERNAL: maybe applied. */
export function ambiguous(code: number): boolean {
  return [Code.DEADLINE_EXCEEDED, Code.CANCELLED, Code.UNAVAILABLE, Code.UNKNOWN, Code.INTERNAL].includes(
    code as 1,
  );
}

/** Codes no retry of the same create can fix: the caller's failure is non-retryable. */
export const PERMANENT: ReadonlySet<number> = new Set([
  Code.INVALID_ARGUMENT, Code.NOT_FOUND, Code.ALREADY_EXISTS, Code.PERMISSION_DENIED,
  Code.FAILED_PRECONDITION, Code.OUT_OF_RANGE, Code.UNIMPLEMENTED, Code.UNAUTHENTICATED,
]);

/**
 * The gRPC status of an error, looked for on it and its causes (the Temporal
 * client wraps gRPC errors). An error without one is a connection that broke
 * or a client-side deadline: UNAVAILABLE, which is ambiguous too.
 */
export function statusOf(err: unknown): { code: number; message: string } {
  for (let e = err as { code?: unknown; details?: unknown; message?: unknown; cause?: unknown } | undefined, depth = 0;
    e !== undefined && e !== null && depth < 8; e = e.cause as typeof e, depth++) {
    if (typeof e.code === 'number' && NAMES.has(e.code)) {
      const message = typeof e.details === 'string' ? e.details : String(e.message ?? '');
      return { code: e.code, message };
    }
  }
  return { code: Code.UNAVAILABLE, message: err instanceof Error ? err.message : String(err) };
}
