/**
 * Nearest-neighbour estimators of the Kullback–Leibler divergence D(P ‖ Q) from samples.
 *
 * Notation used throughout: `x` holds n samples of P and `y` holds m samples of Q, both in d
 * dimensions, one sample per row. For a sample point x_i,
 *
 * - ρ_k(i) is the Euclidean distance from x_i to its k-th nearest neighbour among the OTHER rows
 *   of x (x_i itself is excluded by index; exact copies of x_i elsewhere in x count, at distance 0);
 * - ν_k(i) is the Euclidean distance from x_i to its k-th nearest neighbour among the rows of y.
 *
 * All neighbour searches are exact. Two interchangeable back-ends compute them:
 *
 * - a k-d tree (`kdtree.ts`), fast in low dimension;
 * - a blocked brute-force scan that ranks candidates with squared distances computed as
 *   ‖a‖² + ‖b‖² − 2 a·b on centred data (cheap, but subject to cancellation), keeps a few spare
 *   candidates beyond the k-th, and then recomputes the distances of the survivors exactly as
 *   Σ_t (a_t − b_t)², with a rigorous rounding-error margin deciding when the spare candidates are
 *   not enough (then the query falls back to an exact scan).
 *
 * Both back-ends evaluate the final distances with the same expression in the same order, so they
 * return bit-identical estimates. `method: "auto"` uses the tree for d ≤ {@link KD_TREE_MAX_DIM}
 * (≤ {@link KD_TREE_MAX_DIM_THREADED} where the tree search runs in WebAssembly on several threads)
 * and the blocked scan above (switch-over measured on Gaussian data, n = m = 20 000; the numbers are
 * in the comments of those constants). Euclidean tree searches run the WASM copy of the search
 * (src/linalg/kdknn.ts; same bits) unless `disableWasm()` was called.
 *
 * Before searching, both samples are multiplied by one common power of two so that the largest
 * absolute coordinate lies in [0.5, 1). This is exact in binary floating point (the estimates
 * below are scale invariant or corrected for the scale), and it protects the squared distances
 * from overflow and underflow for data of extreme magnitude.
 *
 * ## Duplicate policy (zero distances)
 *
 * If x_i has k or more exact copies among the other rows of x, then ρ_k(i) = 0 and the formula
 * contains log(ν/0) = +∞; if x_i coincides with k or more rows of y, ν_k(i) = 0 and it contains
 * log(0/ρ) = −∞. Such points are called *degenerate*. The `onDuplicates` option decides:
 *
 * - `"error"` (default): throw `InvalidParameter` naming `x` (ρ = 0) or `y` (ν = 0), the first
 *   degenerate row, and in `value` the number of degenerate points. Never a silent infinity.
 * - `"skip"`: drop degenerate points from the average (the sample sizes in the density-ratio
 *   constants stay n and m) and report how many were dropped in `duplicates`.
 * - `"infinity"`: evaluate the formula literally (IEEE arithmetic: +∞ for ρ = 0, −∞ for ν = 0,
 *   NaN when both occur) and report the count in `duplicates`. This is the convention of the
 *   reference vectors (`knn.jsonl`), which the CLI's `kullback eval` reproduces.
 *
 * In every case the result's `duplicates` field counts the degenerate points (0 when none).
 * Continuous data has no ties almost surely; ties usually mean rounding or discrete data. Larger k
 * (k greater than the largest multiplicity) or jittering the data avoids them.
 *
 * ## Randomness
 *
 * Confidence intervals use {@link Random}: xoshiro128** (Blackman and Vigna) seeded through
 * splitmix32, implemented here so results are reproducible everywhere from the `seed` option.
 */
export { logUnitBallVolume } from "./knn/special.js";
export { type SampleMatrix, readSamples } from "./knn/input.js";
export {
  type NeighbourMethod,
  KD_TREE_MAX_DIM,
  KD_TREE_MAX_DIM_THREADED,
  kthNeighbourDistances,
} from "./knn/search.js";
export {
  type DuplicatePolicy,
  type KnnKlOptions,
  type KnnKlResult,
  wkvCore,
  wkvFinish,
  knnKl,
  type KnnKlSetup,
  knnKlSetup,
  knnKlFinish,
  knnKlPerezCruz,
  type KnnKlAdaptiveOptions,
  type KnnKlAdaptiveResult,
  knnKlAdaptive,
  type KnnKlOneSampleOptions,
  type KnnKlOneSampleResult,
  knnKlOneSample,
} from "./knn/estimators.js";
