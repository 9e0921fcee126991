/** `kullback demo`: classic cases on built-in data, printed as a short table. */
import {
  MultivariateNormal,
  MultivariateNormalDiag,
  Normal,
  kl,
  crossEntropy,
  jeffreys,
  NDArray,
} from "../index.js";

function fmt(v: number | NDArray): string {
  const xs = typeof v === "number" ? [v] : Array.from(v.data);
  return xs
    .map((x) => (Math.abs(x) >= 1e4 || (x !== 0 && Math.abs(x) < 1e-3) ? x.toExponential(6) : x.toFixed(6)))
    .join("  ");
}

export function runDemo(write: (s: string) => void): void {
  const rows: [string, string][] = [];
  // 1. the classic kl_mvn example: two full-covariance Gaussians in 3-D
  const p = MultivariateNormal.fromCovariance(
    [0.1, -0.3, 0.5],
    [
      [1.0, 0.3, 0.1],
      [0.3, 2.0, -0.4],
      [0.1, -0.4, 1.5],
    ],
  );
  const q = MultivariateNormal.fromCovariance(
    [0.0, 0.2, -0.1],
    [
      [1.5, -0.2, 0.0],
      [-0.2, 1.0, 0.3],
      [0.0, 0.3, 2.5],
    ],
  );
  rows.push(["KL(p‖q), full covariance, d=3", fmt(kl(p, q))]);
  rows.push(["KL(q‖p), the other direction", fmt(kl(q, p))]);
  rows.push(["Jeffreys KL(p‖q)+KL(q‖p)", fmt(jeffreys(p, q))]);
  rows.push(["cross-entropy H(p,q)", fmt(crossEntropy(p, q))]);
  // 2. a VAE batch: (mu, logVar) for 4 samples, d = 8, against N(0, I) — including extreme log-variances
  const mu = [
    [0.3, -1.2, 0.0, 0.5, 0.1, -0.2, 0.9, 0.0],
    [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
    [2.0, 1.0, -1.0, 0.5, 0.0, 0.3, -0.3, 0.1],
    [0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1],
  ];
  const logVar = [
    [-0.5, 0.2, -1.0, 0.0, 0.3, -0.1, -2.0, 0.4],
    [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
    [-700, -3.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0],
    [1e-12, -1e-12, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
  ];
  const post = MultivariateNormalDiag.fromLogVariance(mu, logVar);
  rows.push([
    "VAE KL(N(mu,exp(logVar))‖N(0,I)), B=4, d=8",
    fmt(kl(post, MultivariateNormalDiag.standard(8))),
  ]);
  // 3. a stack of means against one covariance
  const cov = [
    [2.0, 0.5],
    [0.5, 1.0],
  ];
  const stack = MultivariateNormal.fromCovariance(
    [
      [0, 0],
      [1, 0],
      [0, 1],
      [3, -3],
    ],
    cov,
  );
  rows.push([
    "stack of 4 means vs N(0,Σ), one Σ",
    fmt(kl(stack, MultivariateNormal.fromCovariance([0, 0], cov))),
  ]);
  // 4. univariate
  rows.push(["KL(N(0,1)‖N(1,2²))", fmt(kl(new Normal(0, 1), new Normal(1, 2)))]);
  const w = Math.max(...rows.map((r) => r[0].length));
  write(`kullback demo — divergences in nats\n\n`);
  write(`${"case".padEnd(w)}  value\n${"-".repeat(w)}  ${"-".repeat(40)}\n`);
  for (const [a, b] of rows) write(`${a.padEnd(w)}  ${b}\n`);
}
