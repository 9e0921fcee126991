/**
 * Closed forms KL(p ‖ q) = ∫ p log(p/q) for the univariate continuous families, same family and
 * cross-family. Every function broadcasts the two batch shapes (NumPy rules), returns a `number`
 * for a scalar batch, +Infinity where q's support does not contain p's, and clamps round-off
 * below zero to 0 (KL ≥ 0).
 *
 * Sources: PyTorch `torch/distributions/kl.py` (the list of pairs and most formulas), TensorFlow
 * Probability (`weibull.py`: Weibull‖Weibull; the expm1/log1p arrangements), Chyzak & Nielsen
 * (2019, arXiv:1905.10965: Cauchy‖Cauchy), Nalisnick & Smyth (2017, arXiv:1605.06197:
 * Kumaraswamy‖Beta). Cross-family forms are all KL = −H(p) − E_p[log q] with p's moments; they
 * were re-derived here and are stated at each function.
 */
export { lgammaBregman } from "./continuous/shared.js";
export {
  klLogNormalLogNormal,
  klHalfNormalHalfNormal,
  klLaplaceLaplace,
  klCauchyCauchy,
  klGumbelGumbel,
  klUniformUniform,
  klExponentialExponential,
  klGammaGamma,
  klBetaBeta,
  klParetoPareto,
  klWeibullWeibull,
  klContinuousBernoulliContinuousBernoulli,
} from "./continuous/same-family.js";
export {
  klBetaContinuousBernoulli,
  klBetaExponential,
  klBetaGamma,
  klBetaNormal,
  klBetaUniform,
} from "./continuous/beta.js";
export {
  klContinuousBernoulliExponential,
  klContinuousBernoulliNormal,
  klContinuousBernoulliUniform,
} from "./continuous/continuous-bernoulli.js";
export { klExponentialGamma, klExponentialGumbel, klExponentialNormal } from "./continuous/exponential.js";
export { klGammaExponential, klGammaGumbel, klGammaNormal } from "./continuous/gamma.js";
export { klGumbelNormal, klLaplaceNormal, klNormalGumbel, klNormalLaplace } from "./continuous/location.js";
export { klParetoExponential, klParetoGamma, klParetoNormal } from "./continuous/pareto.js";
export {
  klUniformBeta,
  klUniformContinuousBernoulli,
  klUniformExponential,
  klUniformGamma,
  klUniformGumbel,
  klUniformNormal,
  klUniformPareto,
} from "./continuous/uniform.js";
export { klWeibullGamma, kumaraswamyMeanLog1m, klKumaraswamyBeta } from "./continuous/extras.js";
