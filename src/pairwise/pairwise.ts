/**
 * Pairwise divergence matrices: for batched distributions P (batch shape [N]) and Q (batch shape
 * [M]), the N × M matrix D[i, j] = D(P_i ‖ Q_j) of every member of P against every member of Q.
 *
 * KL is computed as matrix products (see {@link pairwiseKl}) wherever the closed form splits
 * into a sum over features of (a function of P_i) × (a function of Q_j):
 *
 * - Categorical: KL(p ‖ q) = Σ_k p_k log p_k − Σ_k p_k log q_k; the second term is P·(log Q)ᵀ.
 * - Gaussians:   2 KL = tr(Σq⁻¹Σp) + (μp − μq)ᵀΣq⁻¹(μp − μq) − d + log det Σq − log det Σp
 *                     = ⟨Σq⁻¹, Σp + μp μpᵀ⟩ − 2 μpᵀ(Σq⁻¹μq) + μqᵀΣq⁻¹μq − d + log det Σq − log det Σp,
 *   one product of the N × K matrix of features [Σp + μpμpᵀ (upper triangle), μp] with the
 *   M × K matrix [Σq⁻¹ (upper triangle, off-diagonal doubled), −2Σq⁻¹μq], K = d(d+1)/2 + d;
 *   with a diagonal Σq only the diagonal of Σp + μpμpᵀ is needed and K = 2d.
 *
 * Accuracy. A matrix-product entry is a difference of sums, so when the divergence is much
 * smaller than the terms it is made of, rounding (≈ u·√K·magnitude, u = 2⁻⁵³) dominates. Every
 * entry carries a magnitude bound of its terms (see the per-family notes); where
 * divergence < {@link cancellationThreshold}(K) × magnitude, i.e. where the expected rounding
 * error could exceed 1e-10 × the divergence, the entry is recomputed by the exact per-pair
 * closed form (the same code `kl` runs). Entries therefore agree with `kl(P_i, Q_j)` to ~1e-10
 * relative in the typical case (the tests, which include pairs 1e-9 apart, see at most 2e-11);
 * the product form's worst case (all K rounding errors adding up) is a further factor √K.
 * Gaussian means are first shifted by the mean of Q's locations (KL is translation invariant),
 * which keeps the Mahalanobis terms small when all means sit far from the origin. Results are
 * clamped at ≥ 0; an entry is exactly 0 when P_i and Q_j are the same member of the same object.
 *
 * Memory. Work is done in square tiles of `tile` rows × `tile` columns (default: a working set of
 * about 1 MiB); apart from the output and per-column precomputations of size M × K, memory does not
 * grow with N. {@link pairwiseKlBlocks} streams row blocks so the N × M output never has to
 * exist at once. Results are bitwise independent of `tile` and of the block size.
 *
 * Speed. The products run in `gemmNT` (./gemm.ts): the WASM SIMD kernel for tiles of at least
 * 2^15 multiply-adds with K ≤ 256 (or always, after `enableWasm()`), plain TypeScript for other
 * tiles or after `disableWasm()`; the size-based choice runs a WASM product with TypeScript's
 * rounding (also in the relaxed-SIMD build), so both give the same bits (see there) and results
 * never depend on tiling.
 */
export {
  type PairwiseProgress,
  type PairwiseOptions,
  type PairwiseBlockOptions,
  type PairwiseBlock,
  type PairwiseBlocks,
  type PairFunction,
} from "./matrix/types.js";
export { cancellationThreshold, defaultTile } from "./matrix/plan.js";
export { batchMember, pairwise } from "./matrix/members.js";
export { type CategoricalData, categoricalData, categoricalKlData } from "./matrix/categorical.js";
export { categoricalKlJob, diagKlJob, pairwiseKl, pairwiseKlBlocks } from "./matrix/kl.js";
export { pairwiseBhattacharyya, pairwiseWasserstein2, pairwiseJs } from "./matrix/other.js";
