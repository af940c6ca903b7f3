/**
 * Least-squares fit of a falling logistic with a known floor (chance level):
 *
 *   y(t) = chance + (1 - chance) / (1 + exp((t - tc) / w))
 *
 * tc is the centre of the transition (y half-way between 1 and chance) and w > 0 its
 * width: y falls from 90% to 10% of the way to chance over 2 ln 9 w ~ 4.39 w.
 * A coarse grid search picks the start, then Levenberg-Marquardt in (tc, log w).
 */

// Module-level aliases: under jest's vm sandbox every global lookup (Math) in a hot loop is slow.
const exp = Math.exp;
const log = Math.log;
const abs = Math.abs;

export interface LogisticFit {
  tc: number;
  w: number;
  /** Root-mean-square residual. */
  rmse: number;
}

export function logistic(t: number, tc: number, w: number, chance: number): number {
  return chance + (1 - chance) / (1 + exp((t - tc) / w));
}

function sse(xs: number[], ys: number[], tc: number, w: number, chance: number): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += (ys[i] - logistic(xs[i], tc, w, chance)) ** 2;
  return s;
}

/** Fit tc and w to points (xs, ys); needs at least 3 points and distinct x. */
export function fitLogistic(xs: number[], ys: number[], chance: number): LogisticFit {
  const n = xs.length;
  if (n !== ys.length) throw new RangeError(`fitLogistic: ${n} x values but ${ys.length} y values`);
  if (n < 3) throw new RangeError("fitLogistic: at least 3 points are needed");
  if ([...xs, ...ys].some((v) => !Number.isFinite(v))) throw new RangeError("fitLogistic: non-finite value");
  const lo = Math.min(...xs);
  const hi = Math.max(...xs);
  const span = hi - lo;
  if (!(span > 0)) throw new RangeError("fitLogistic: every x is the same");
  // Start: the best point of a grid, tc over the grid extended by half its span, w log-spaced.
  let best = { tc: (lo + hi) / 2, s: log(span / 10), e: Infinity };
  for (let i = 0; i <= 40; i++) {
    const tc = lo - span / 2 + (2 * span * i) / 40;
    for (let j = 0; j <= 24; j++) {
      const s = log(span * 1e-3) + (log(1e3) * j) / 24 + log(2);
      const e = sse(xs, ys, tc, exp(s), chance);
      if (e < best.e) best = { tc, s, e };
    }
  }
  // Levenberg-Marquardt on theta = (tc, s = log w).
  let { tc, s, e } = best;
  let lambda = 1e-3;
  for (let it = 0; it < 200; it++) {
    const w = exp(s);
    let a11 = 0;
    let a12 = 0;
    let a22 = 0;
    let g1 = 0;
    let g2 = 0;
    for (let i = 0; i < n; i++) {
      const z = (xs[i] - tc) / w;
      const ez = exp(-abs(z));
      // sigma(-z) = 1 / (1 + e^z); d/dz = -sigma(z) sigma(-z)
      const sig = z >= 0 ? ez / (1 + ez) : 1 / (1 + ez);
      const f = chance + (1 - chance) * sig;
      const dz = -(1 - chance) * sig * (1 - sig);
      const jt = dz * (-1 / w); // d f / d tc
      const js = dz * -z; // d f / d s (z = (x - tc) e^-s)
      const r = ys[i] - f;
      a11 += jt * jt;
      a12 += jt * js;
      a22 += js * js;
      g1 += jt * r;
      g2 += js * r;
    }
    let improved = false;
    for (let tries = 0; tries < 20 && !improved; tries++) {
      const b11 = a11 * (1 + lambda) + 1e-300;
      const b22 = a22 * (1 + lambda) + 1e-300;
      const det = b11 * b22 - a12 * a12;
      if (!(det > 0)) {
        lambda *= 10;
        continue;
      }
      const d1 = (b22 * g1 - a12 * g2) / det;
      const d2 = (b11 * g2 - a12 * g1) / det;
      const e2 = sse(xs, ys, tc + d1, exp(s + d2), chance);
      if (e2 < e) {
        const small = abs(d1) < 1e-12 * (1 + abs(tc)) && abs(d2) < 1e-12;
        tc += d1;
        s += d2;
        const gain = e - e2;
        e = e2;
        lambda = Math.max(lambda / 10, 1e-12);
        improved = true;
        if (small || gain < 1e-16 * (1 + e)) it = Infinity;
      } else lambda *= 10;
    }
    if (!improved) break;
  }
  return { tc, w: exp(s), rmse: Math.sqrt(e / n) };
}
