/**
 * kullback — divergences between probability distributions.
 *
 * `kl(p, q)` is KL(p ‖ q) = ∫ p log(p/q) in nats, by closed form, batched and broadcast.
 */
export { KullbackError, type ErrorCode } from "./core/errors.js";
export { NDArray, asArray, broadcastShapes, type ArrayInput, type Nested } from "./core/array.js";
export { Random } from "./core/random.js";
export {
  Distribution,
  configure,
  type DistributionOptions,
  type SampleOptions,
  type DistributionJSON,
} from "./distributions/base.js";
export {
  ScalarFamily,
  paramSpec,
  positiveParam,
  finiteParam,
  nonNegativeParam,
  probabilityParam,
  type ParamSpec,
} from "./distributions/scalar-family.js";
export { Normal } from "./distributions/normal.js";
export { MultivariateNormal } from "./distributions/multivariate-normal.js";
export { MultivariateNormalDiag } from "./distributions/multivariate-normal-diag.js";
export { LowRankMultivariateNormal } from "./distributions/low-rank-multivariate-normal.js";
export { Independent } from "./distributions/independent.js";
export { kl, registerKl, klTable, lookupKl, type KlFunction, type KlRow } from "./kl/registry.js";
export { crossEntropy, jeffreys } from "./divergences/basic.js";
export { entropy } from "./divergences/entropy.js";
export {
  relEntr,
  klDiv,
  jensenShannon,
  jensenShannonDistance,
  klDivLoss,
  type EntropyOptions,
  type JensenShannonOptions,
  type KlDivLossOptions,
  type KlDivLossReduction,
} from "./divergences/elementwise.js";
export { fromJSON, toJSON, registerFamily } from "./distributions/json.js";
export { evaluateCase, checkOutput, registerOps, type CaseOutput } from "./conformance/eval.js";
export { kernels, setKernels, jsKernels, type Kernels } from "./linalg/kernels.js";
export { GaussianMixture, WEIGHT_SUM_TOLERANCE } from "./distributions/gaussian-mixture.js";
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
  componentKlMatrix,
  GMM_KL_METHODS,
  type GmmKlMethod,
  type GmmKlKind,
  type GmmKlOptions,
  type GmmKlResult,
} from "./estimators/gmm-kl.js";
export { gmmOps } from "./conformance/gmm-ops.js";
// ── univariate continuous families and special functions ──
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
export { lgamma, digamma, lbeta, log1mexp, log1pexp, erf, erfc, hurwitzZeta } from "./core/special.js";
// ── Gaussian distances (Bhattacharyya, Hellinger, Rényi, 2-Wasserstein, Fréchet, Gaussian MI) ──
export {
  bhattacharyyaGaussian,
  hellingerGaussian,
  renyiGaussian,
  wasserstein2,
  frechet,
  frechetDistance,
  gaussianMutualInformation,
  isGaussian,
} from "./divergences/gaussian-distances.js";
export { gaussianDistanceOps } from "./conformance/gaussian-distance-ops.js";
// ── discrete families, their KL pairs and discrete divergences ──
export { Bernoulli, type ProbsOrLogits } from "./distributions/bernoulli.js";
export { Binomial, type BinomialParams } from "./distributions/binomial.js";
export { Geometric } from "./distributions/geometric.js";
export { Poisson } from "./distributions/poisson.js";
export { Categorical, PROBS_SUM_TOLERANCE } from "./distributions/categorical.js";
export { OneHotCategorical } from "./distributions/one-hot-categorical.js";
export { Dirichlet } from "./distributions/dirichlet.js";
export {
  bhattacharyya,
  hellinger,
  renyi,
  js,
  totalVariation,
  registerDistance,
  type DistanceName,
  type DistanceFunction,
} from "./divergences/dispatch.js";
export {
  jsDiscrete,
  bhattacharyyaDiscrete,
  hellingerDiscrete,
  renyiDiscrete,
  totalVariationDiscrete,
} from "./divergences/discrete.js";
export { fDivergence, CsiszarFunction, type NormalizableCsiszar } from "./divergences/f-divergence.js";
/** The TFP Csiszár generators by name: csiszar.klForward, csiszar.jensenShannon.selfNormalized, csiszar.amariAlpha(0.5), … */
export * as csiszar from "./divergences/f-divergence.js";
export { discreteOps } from "./conformance/discrete-ops.js";
// ── pairwise divergence matrices (N × M, tiled matrix products) ──
export {
  pairwiseKl,
  pairwiseKlBlocks,
  pairwise,
  pairwiseBhattacharyya,
  pairwiseWasserstein2,
  pairwiseJs,
  batchMember,
  cancellationThreshold,
  type PairwiseOptions,
  type PairwiseBlockOptions,
  type PairwiseBlock,
  type PairwiseBlocks,
  type PairwiseProgress,
  type PairFunction,
} from "./pairwise/pairwise.js";
export { pairwiseOps } from "./conformance/pairwise-ops.js";
export { gemmNT } from "./linalg/gemm.js";
// ── estimators from samples: k-nearest neighbours, kernel two-sample statistics, moments ──
export {
  knnKl,
  knnKlAdaptive,
  knnKlOneSample,
  knnKlPerezCruz,
  type KnnKlOptions,
  type KnnKlResult,
  type DuplicatePolicy,
} from "./estimators/knn.js";
export { KDTree } from "./linalg/kdtree.js";
export {
  mmd2,
  mmdPermutationTest,
  energyDistance,
  ksgMutualInformation,
  medianHeuristic,
} from "./estimators/kernel.js";
export { MomentAccumulator, fitGaussian, type GaussianFit } from "./estimators/moments.js";
// ── file formats: numeric CSV tables and NumPy .npy arrays ──
export { parseCsv, formatCsv, formatCsvNumber, type CsvTable, type CsvOptions } from "./io/csv.js";
export { readNpy, writeNpy, encodeNpyHeader, float64LE, isNpy } from "./io/npy.js";
// ── analytic gradients of Gaussian KL (the backward pass of kullback/tfjs) ──
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
// ── WebAssembly SIMD kernels: automatic for dense problems of order ≥ WASM_LARGE_ORDER; enableWasm() for every size
//    (in Node/workers; await initWasm() first on a browser's main thread); disableWasm() for pure TypeScript ──
export {
  enableWasm,
  disableWasm,
  defaultKernels,
  kernelsFor,
  batchUsesWasm,
  WASM_LARGE_ORDER,
  WASM_LARGE_BATCH,
} from "./linalg/wasm.js";
export { initWasm, wasmStatus, type WasmStatus } from "./linalg/wasm-module.js";
// ── worker threads (Node): threaded, asynchronous forms of the large pairwise and k-NN jobs ──
export {
  pairwiseKlAsync,
  pairwiseKlBlocksAsync,
  knnKlAsync,
  PAIRWISE_THREAD_THRESHOLD,
  KNN_THREAD_THRESHOLD,
  type PairwiseAsyncOptions,
  type PairwiseBlocksAsyncOptions,
  type KnnKlAsyncOptions,
} from "./parallel/api.js";
export {
  shutdownThreads,
  threadsSupported,
  poolSize as threadPoolSize,
  type ThreadsOption,
} from "./parallel/pool.js";
// ── threaded dense kernels (Node, synchronous): Cholesky, Lq⁻¹Lp, large products, tridiagonalisation,
//    batched diagonal KL, pairwise categorical KL, k-d tree searches ──
export {
  setDenseThreads,
  startDenseThreads,
  denseThreadsFor,
  denseThreadsError,
  shutdownDenseThreads,
  DENSE_THREAD_THRESHOLD,
  gemmThreadsFor,
  GEMM_THREAD_WORK,
  batchThreadsFor,
  BATCH_THREAD_ELEMENTS,
  knnThreadsFor,
  KNN_THREAD_ELEMENTS,
} from "./linalg/threaded.js";
// ── FID from feature matrices ──
export { frechetFromSamples } from "./estimators/fid.js";
