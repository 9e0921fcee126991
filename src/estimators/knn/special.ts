import { invalidParameter } from "../../core/errors.js";

// ---------------------------------------------------------------------------------------------

// ---------------------------------------------------------------------------------------------
// Special functions
// ---------------------------------------------------------------------------------------------

/**
 * Natural log of the volume of the Euclidean unit ball in d dimensions,
 * log V_d = (d/2) log π − log Γ(d/2 + 1), computed by the exact recurrence V_d = V_{d−2} · 2π/d
 * from V_0 = 1, V_1 = 2 (no gamma function needed).
 *
 * @example
 * ```ts
 * Math.exp(logUnitBallVolume(2)); // π
 * ```
 */
export function logUnitBallVolume(d: number): number {
  if (!Number.isInteger(d) || d < 0) throw invalidParameter("d", "a non-negative integer", d);
  let v = d % 2 === 0 ? 0 : Math.LN2;
  for (let j = d % 2 === 0 ? 2 : 3; j <= d; j += 2) v += Math.log((2 * Math.PI) / j);
  return v;
}
