import { NDArray, asArray, result, sizeOf, unravel, type ArrayInput } from "../../core/array.js";
import { invalidParameter, invalidShape, notPositiveDefinite } from "../../core/errors.js";
import { kernelsFor } from "../../linalg/wasm.js";
import { checkFinite, symmetricCheck } from "./fid.js";

// -----------------------------------------------------------------------------------------------
// Mutual information of jointly Gaussian blocks
// -----------------------------------------------------------------------------------------------

/**
 * Mutual information (total correlation) among jointly Gaussian blocks of variables, in nats:
 *
 *   I = ½ ( Σ_k log det Σ_{B_k} − log det Σ_{B_1 ∪ ... ∪ B_K} )
 *
 * (Cover & Thomas, "Elements of Information Theory", 2nd ed., §8.5 and Problem 8.x; for two
 * blocks it is −½ log det(I − Σ₁₁⁻¹Σ₁₂Σ₂₂⁻¹Σ₂₁)). `blocks` is either a list of index lists
 * (disjoint; they need not cover every variable: the marginal of their union is used) or a list
 * of block sizes for consecutive variables (which must add up to d). Computed via Cholesky of the
 * union in block order: with L the factor of the union and L_k that of block k alone,
 * I = Σ_k Σ_{i∈B_k} log(L_k,ii / L_ii), a sum of non-negative terms (each the log-ratio of a
 * conditional standard deviation given fewer to given more variables), so independent blocks
 * give exactly 0. `cov` may carry batch axes ([..., d, d]); the result has the batch shape.
 *
 * Errors: `InvalidShape` for a non-square `cov`; `InvalidParameter` for bad blocks (index out of
 * range, repeated, sizes not adding to d, empty block); `NotPositiveDefinite` (argument `cov`,
 * batch index, failing pivot) for a covariance that is not positive definite or not symmetric.
 *
 * @example gaussianMutualInformation([[1, 0.5], [0.5, 1]], [1, 1]); // −½ log(1 − 0.25) = 0.1438...
 */
export function gaussianMutualInformation(
  cov: ArrayInput,
  blocks: readonly number[] | readonly (readonly number[])[],
): number | NDArray {
  const m = asArray(cov, "cov");
  if (m.ndim < 2 || m.shape[m.ndim - 1] !== m.shape[m.ndim - 2]) {
    throw invalidShape(
      "cov",
      `must be a square matrix [..., d, d]; got shape [${m.shape.join(", ")}]`,
      m.shape,
    );
  }
  checkFinite(m, "cov");
  const d = m.shape[m.ndim - 1];
  const groups = readBlocks(blocks, d);
  const order = groups.flat();
  const u = order.length;
  const batch = m.shape.slice(0, -2);
  const nb = sizeOf(batch);
  const out = new Float64Array(nb);
  const k = kernelsFor(d);
  const full = new Float64Array(u * u);
  for (let b = 0; b < nb; b++) {
    const off = b * d * d;
    const index = unravel(b, batch);
    symmetricCheck(m, off, d, "cov", index);
    for (let i = 0; i < u; i++)
      for (let j = 0; j <= i; j++) full[i * u + j] = m.data[off + order[i] * d + order[j]];
    const info = k.potrf(u, full, 0);
    if (info !== 0) {
      throw notPositiveDefinite(
        "cov",
        `Cholesky failed at pivot ${info} (variable ${order[info - 1]}): pivot value ${full[(info - 1) * (u + 1)]}`,
        index,
        full[(info - 1) * (u + 1)],
      );
    }
    let s = 0;
    let start = 0;
    for (const g of groups) {
      const n = g.length;
      const blk = new Float64Array(n * n);
      for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) blk[i * n + j] = m.data[off + g[i] * d + g[j]];
      const bi = k.potrf(n, blk, 0);
      if (bi !== 0)
        throw notPositiveDefinite(
          "cov",
          `block Cholesky failed at pivot ${bi}`,
          index,
          blk[(bi - 1) * (n + 1)],
        );
      for (let i = 0; i < n; i++) {
        const r = Math.log(blk[i * n + i] / full[(start + i) * u + start + i]);
        if (r > 0) s += r;
      }
      start += n;
    }
    out[b] = s;
  }
  return result(out, batch);
}

export function readBlocks(
  blocks: readonly number[] | readonly (readonly number[])[],
  d: number,
): number[][] {
  if (!Array.isArray(blocks) || blocks.length === 0)
    throw invalidParameter("blocks", "a non-empty list of index lists or block sizes", blocks);
  const groups: number[][] = [];
  if (blocks.every((b) => typeof b === "number")) {
    let start = 0;
    for (const size of blocks as readonly number[]) {
      if (!Number.isInteger(size) || size <= 0)
        throw invalidParameter("blocks", "positive integer block sizes", size, [groups.length]);
      groups.push(Array.from({ length: size }, (_, i) => start + i));
      start += size;
    }
    if (start !== d) throw invalidParameter("blocks", `block sizes adding up to d = ${d}`, start);
    return groups;
  }
  const seen = new Set<number>();
  for (let g = 0; g < blocks.length; g++) {
    const b = blocks[g];
    if (!Array.isArray(b) || b.length === 0)
      throw invalidParameter("blocks", "non-empty lists of variable indices", b, [g]);
    for (const i of b as readonly number[]) {
      if (!Number.isInteger(i) || i < 0 || i >= d)
        throw invalidParameter("blocks", `indices in [0, ${d})`, i, [g]);
      if (seen.has(i))
        throw invalidParameter("blocks", "disjoint (each variable in at most one block)", i, [g]);
      seen.add(i);
    }
    groups.push([...(b as readonly number[])]);
  }
  return groups;
}
