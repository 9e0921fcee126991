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
export { fromJSON, toJSON, registerFamily } from "./io/json.js";
export { evaluateCase, checkOutput, registerOps, type CaseOutput } from "./io/eval.js";
export { kernels, setKernels, jsKernels, type Kernels } from "./linalg/kernels.js";
