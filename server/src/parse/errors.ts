/** A request the parser refuses: the status to answer with, and a reason for the log and the trace. */
export interface ParseError {
  readonly kind: 'error';
  readonly status: 400 | 413 | 414 | 417 | 431 | 501 | 505;
  readonly reason: string;
}

export function parseError(status: ParseError['status'], reason: string): ParseError {
  return { kind: 'error', status, reason };
}
