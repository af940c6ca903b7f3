/**
 * A claim's verdict, computed from the measured data: the hypothesis, the quantity
 * that tests it, its measured value with an interval, and supported / not supported /
 * inconclusive with the reason. The report prints these first.
 */
export type VerdictValue = "supported" | "not supported" | "inconclusive";

export interface Verdict {
  hypothesis: string;
  /** What was computed to test it. */
  quantity: string;
  /** The measured value with its interval, formatted. */
  measured: string;
  verdict: VerdictValue;
  /** Why this verdict follows from the measured value (the decision rule applied). */
  why: string;
}

/**
 * Verdict of "the quantity lies above `threshold`" from its 95% interval: supported when
 * the whole interval is above, not supported when it is wholly below, else inconclusive.
 */
export function intervalVerdict(
  lo: number,
  hi: number,
  threshold: number,
  what: string,
): { verdict: VerdictValue; why: string } {
  if (lo > threshold) return { verdict: "supported", why: `the 95% interval of ${what} lies above ${threshold}` };
  if (hi < threshold) return { verdict: "not supported", why: `the 95% interval of ${what} lies below ${threshold}` };
  return { verdict: "inconclusive", why: `the 95% interval of ${what} contains ${threshold}` };
}
