import { digamma, langevinPrime, lbeta } from "../../core/special.js";
import { cbLogNormalizer, cbMean } from "../../distributions/continuous-bernoulli.js";
import { stirlerr } from "../../distributions/binomial.js";
import { psiMinusLog } from "../../distributions/dirichlet.js";
import { LOG_2PI } from "./shared.js";

// ── Entropies and moments of p, per batch element ──────────────────────────────────────────

export function betaEntropy(a: number, b: number): number {
  if (Math.max(a, b) >= 10) {
    // Stirling form (as the Dirichlet entropy, K = 2): the O(a log a) terms cancel exactly
    const t = a + b;
    return (
      -1.5 * Math.log(t) +
      0.5 * LOG_2PI -
      stirlerr(t) +
      (t - 2) * psiMinusLog(t) +
      0.5 * Math.log(a) +
      stirlerr(a) -
      (a - 1) * psiMinusLog(a) +
      0.5 * Math.log(b) +
      stirlerr(b) -
      (b - 1) * psiMinusLog(b)
    );
  }
  return lbeta(a, b) - (a - 1) * digamma(a) - (b - 1) * digamma(b) + (a + b - 2) * digamma(a + b);
}

export function cbEntropy(eta: number): number {
  return cbLogNormalizer(eta) - eta * cbMean(eta);
}

export function cbVariance(eta: number): number {
  return 0.25 * langevinPrime(0.5 * eta);
}
