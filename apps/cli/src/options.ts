import { InvalidArgumentError } from "commander";

/** Commander argument parsers that reject bad values with a message naming the fix. */
export function intArg(min: number, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n))
      throw new InvalidArgumentError(`expected an integer, got "${value}"`);
    if (n < min || n > max) throw new InvalidArgumentError(`expected an integer in [${min}, ${max}], got ${n}`);
    return n;
  };
}

export function floatArg(min = -Infinity, max = Infinity, { exclusiveMin = false } = {}) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === "" || !Number.isFinite(n))
      throw new InvalidArgumentError(`expected a finite number, got "${value}"`);
    if (exclusiveMin ? n <= min : n < min)
      throw new InvalidArgumentError(`expected a number ${exclusiveMin ? ">" : ">="} ${min}, got ${n}`);
    if (n > max) throw new InvalidArgumentError(`expected a number <= ${max}, got ${n}`);
    return n;
  };
}

/** Comma-separated list of integers, e.g. `--vocab 4,8,8`. */
export function intListArg(min: number) {
  return (value: string): number[] => {
    const parts = value.split(",").map((s) => s.trim());
    return parts.map((p) => intArg(min)(p));
  };
}

export function floatListArg(min = -Infinity, max = Infinity) {
  return (value: string): number[] => value.split(",").map((p) => floatArg(min, max)(p.trim()));
}
