/**
 * kullback — divergences between probability distributions.
 *
 * `kl(p, q)` is KL(p ‖ q) = ∫ p log(p/q) in nats, by closed form, batched and broadcast.
 * This entry is what users compute with, grouped by layer. File formats are in `kullback/io`,
 * the reference-vector case format in `kullback/conformance`, differentiable TensorFlow.js ops
 * in `kullback/tfjs`.
 */

// ── core: arrays, errors, random numbers, special functions, configuration ──
export { KullbackError, type ErrorCode } from "./core/errors.js";
export { NDArray, type ArrayInput, type Nested } from "./core/array.js";
export { Random } from "./core/random.js";
export { lgamma, digamma, lbeta, log1mexp, log1pexp, erf, erfc } from "./core/special.js";
export {
  configure,
  backendStatus,
  initBackend,
  shutdownThreads,
  type Backend,
  type BackendStatus,
  type Configuration,
} from "./config/index.js";
export type { ThreadsOption } from "./core/threads-option.js";

// ── distributions: one family per file; JSON form ──
export {
  Distribution,
  type DistributionOptions,
  type SampleOptions,
  type DistributionJSON,
} from "./distributions/base.js";
export { ScalarFamily, paramSpec, type ParamSpec } from "./distributions/scalar-family.js";
export { Normal } from "./distributions/normal.js";
export { MultivariateNormal } from "./distributions/multivariate-normal.js";
export { MultivariateNormalDiag } from "./distributions/multivariate-normal-diag.js";
export { LowRankMultivariateNormal } from "./distributions/low-rank-multivariate-normal.js";
export { Independent } from "./distributions/independent.js";
export { GaussianMixture } from "./distributions/gaussian-mixture.js";
export { LogNormal } from "./distributions/log-normal.js";
export { HalfNormal } from "./distributions/half-normal.js";
export { Laplace } from "./distributions/laplace.js";
export { Cauchy } from "./distributions/cauchy.js";
export { Gumbel } from "./distributions/gumbel.js";
export { Uniform } from "./distributions/uniform.js";
export { Exponential } from "./distributions/exponential.js";
export { Gamma } from "./distributions/gamma.js";
export { Chi2 } from "./distributions/chi2.js";
export { Beta } from "./distributions/beta.js";
export { Pareto } from "./distributions/pareto.js";
export { Weibull } from "./distributions/weibull.js";
export { Kumaraswamy } from "./distributions/kumaraswamy.js";
export { ContinuousBernoulli } from "./distributions/continuous-bernoulli.js";
export { Bernoulli, type ProbsOrLogits } from "./distributions/bernoulli.js";
export { Binomial, type BinomialParams } from "./distributions/binomial.js";
export { Geometric } from "./distributions/geometric.js";
export { Poisson } from "./distributions/poisson.js";
export { Categorical } from "./distributions/categorical.js";
export { OneHotCategorical } from "./distributions/one-hot-categorical.js";
export { Dirichlet } from "./distributions/dirichlet.js";
export { fromJSON, toJSON, registerFamily } from "./distributions/json.js";

// ── the KL registry: closed forms ──
export { kl, registerKl, klTable, type KlFunction, type KlRow } from "./kl/registry.js";

// ── other divergences between distributions ──
export { crossEntropy, jeffreys } from "./divergences/basic.js";
export { entropy } from "./divergences/entropy.js";
export {
  js,
  bhattacharyya,
  hellinger,
  renyi,
  totalVariation,
  registerDistance,
  type DistanceName,
  type DistanceFunction,
} from "./divergences/dispatch.js";
export {
  wasserstein2,
  frechet,
  frechetDistance,
  gaussianMutualInformation,
} from "./divergences/gaussian-distances.js";
export { fDivergence, CsiszarFunction, type NormalizableCsiszar } from "./divergences/f-divergence.js";
/** The TFP Csiszár generators by name: csiszar.klForward, csiszar.jensenShannon.selfNormalized, csiszar.amariAlpha(0.5), … */
export * as csiszar from "./divergences/f-divergence.js";
/** SciPy semantics on arrays: scipy.relEntr, scipy.klDiv, scipy.entropy(pk, qk), scipy.jensenShannonDistance. */
export * as scipy from "./divergences/scipy.js";
/** PyTorch semantics on arrays: torch.klDivLoss (`F.kl_div`). */
export * as torch from "./divergences/torch.js";
export type {
  EntropyOptions,
  JensenShannonOptions,
  KlDivLossOptions,
  KlDivLossReduction,
} from "./divergences/elementwise.js";

// ── analytic gradients of the Gaussian KL (the backward pass of kullback/tfjs) ──
export {
  klGradDiag,
  klGradNormal,
  klGradScaleTril,
  type KlGradOptions,
  type KlGradResult,
  type GradReduce,
  type DiagParams,
  type NormalParams,
  type ScaleTrilParams,
  type DiagGrad,
  type NormalGrad,
  type ScaleTrilGrad,
} from "./gradients/gaussian-grad.js";

// ── estimators: Monte Carlo, mixtures, samples ──
export {
  klMonteCarlo,
  crossEntropyMonteCarlo,
  jsMonteCarlo,
  fDivergenceMonteCarlo,
  type MonteCarloOptions,
  type MonteCarloResult,
} from "./estimators/monte-carlo.js";
export {
  gmmKl,
  type GmmKlMethod,
  type GmmKlKind,
  type GmmKlOptions,
  type GmmKlResult,
} from "./estimators/gmm-kl.js";
export {
  knnKl,
  knnKlAdaptive,
  knnKlOneSample,
  knnKlPerezCruz,
  type KnnKlOptions,
  type KnnKlResult,
  type DuplicatePolicy,
} from "./estimators/knn.js";
export {
  mmd2,
  mmdPermutationTest,
  energyDistance,
  ksgMutualInformation,
  medianHeuristic,
} from "./estimators/kernel.js";
export { MomentAccumulator, fitGaussian, type GaussianFit } from "./estimators/moments.js";
export { frechetFromSamples } from "./estimators/fid.js";

// ── pairwise matrices (N × M, tiled matrix products) ──
export {
  pairwiseKl,
  pairwiseKlBlocks,
  pairwise,
  pairwiseBhattacharyya,
  pairwiseWasserstein2,
  pairwiseJs,
  type PairwiseOptions,
  type PairwiseBlockOptions,
  type PairwiseBlock,
  type PairwiseBlocks,
  type PairwiseProgress,
  type PairFunction,
} from "./pairwise/pairwise.js";

// ── worker threads: asynchronous forms of the large pairwise and k-NN jobs ──
export {
  pairwiseKlAsync,
  pairwiseKlBlocksAsync,
  knnKlAsync,
  type PairwiseAsyncOptions,
  type PairwiseBlocksAsyncOptions,
  type KnnKlAsyncOptions,
} from "./parallel/api.js";
