import { NDArray, sizeOf } from "../../core/array.js";
import { invalidShape, notImplemented } from "../../core/errors.js";
import type { Distribution } from "../../distributions/base.js";
import { type GaussianCov, type GaussianForm } from "../../distributions/gaussian-form.js";
import { frechetGaussianForms, renyiGaussianForms } from "../../divergences/gaussian-distances.js";
import { bhattacharyya, js } from "../../divergences/dispatch.js";
import { gemmNT } from "../../linalg/gemm.js";
import { CategoricalData, categoricalData, checkCategories } from "./categorical.js";
import { gaussianFormIfAny } from "./gaussian.js";
import { pairwise } from "./members.js";
import { Plan, batchLength, cancellationThreshold, checkTile, runFull } from "./plan.js";
import { PairwiseOptions } from "./types.js";

// ---------------------------------------------------------------------------------------------
// Other divergences
// ---------------------------------------------------------------------------------------------

/** The rows [start, end) of a Gaussian form's batch as a form of batch [t, 1] (rows) or [t]. */
export function subForm(f: GaussianForm, start: number, end: number, asRows: boolean): GaussianForm {
  const d = f.d;
  const t = end - start;
  const shape = asRows ? [t, 1] : [t];
  const locShared = sizeOf(f.locBatch) === 1;
  const covShared = sizeOf(f.covBatch) === 1;
  const [ls, le] = locShared ? [0, 1] : [start, end];
  const [cs, ce] = covShared ? [0, 1] : [start, end];
  const cov = f.cov;
  let sub: GaussianCov;
  if (cov.kind === "diag") sub = { kind: "diag", logVar: cov.logVar.subarray(cs * d, ce * d) };
  else if (cov.kind === "tril") {
    sub = {
      kind: "tril",
      L: cov.L.subarray(cs * d * d, ce * d * d),
      logDiag: cov.logDiag.subarray(cs * d, ce * d),
    };
  } else {
    const r = cov.r;
    sub = {
      kind: "lowrank",
      r,
      W: cov.W.subarray(cs * d * r, ce * d * r),
      D: cov.D.subarray(cs * d, ce * d),
      capL: cov.capL.subarray(cs * r * r, ce * r * r),
    };
  }
  return {
    d,
    batchShape: shape,
    loc: f.loc.subarray(ls * d, le * d),
    locBatch: locShared ? [] : shape,
    cov: sub,
    covBatch: covShared ? [] : shape,
    logDet: f.logDet.subarray(cs, ce),
  };
}

/** Tiles of batched Gaussian-form calls: fn(rows-form [t,1], cols-form [u]) → [t, u]. */
export function gaussianFormPlan(
  fp: GaussianForm,
  fq: GaussianForm,
  n: number,
  m: number,
  tile: number | undefined,
  fn: (a: GaussianForm, b: GaussianForm) => number | NDArray,
  post: (x: number) => number,
): Plan {
  if (fp.d !== fq.d) {
    throw invalidShape("q", `event dimension ${fq.d} does not match p's event dimension ${fp.d}`, [
      fp.d,
      fq.d,
    ]);
  }
  const t = checkTile(tile, fp.d * fp.d);
  return {
    n,
    m,
    tile: t,
    fill(i0, i1, out, off) {
      for (let r0 = i0; r0 < i1; r0 += t) {
        const r1 = Math.min(i1, r0 + t);
        const rows = subForm(fp, r0, r1, true);
        for (let c0 = 0; c0 < m; c0 += t) {
          const c1 = Math.min(m, c0 + t);
          const v = fn(rows, subForm(fq, c0, c1, false));
          const data = typeof v === "number" ? [v] : v.data;
          const tc = c1 - c0;
          for (let a = 0; a < r1 - r0; a++)
            for (let b = 0; b < tc; b++) out[off + (r0 - i0 + a) * m + c0 + b] = post(data[a * tc + b]);
        }
      }
    },
  };
}

/** Both Gaussian forms when both sides are Gaussian families with the same event rank. */
export function gaussianForms(P: Distribution, Q: Distribution): [GaussianForm, GaussianForm] | undefined {
  const fp = gaussianFormIfAny(P);
  const fq = gaussianFormIfAny(Q);
  return fp && fq && P.eventShape.length === Q.eventShape.length ? [fp, fq] : undefined;
}

/** Exact Bhattacharyya distance between two categorical rows: −log1p(−½ Σ(√p − √q)²). */
export function categoricalPairBhattacharyya(
  p: CategoricalData,
  i: number,
  q: CategoricalData,
  j: number,
): number {
  let h = 0;
  for (let k = 0; k < p.k; k++) {
    const x = Math.sqrt(p.probs[i * p.k + k]) - Math.sqrt(q.probs[j * q.k + k]);
    h += x * x;
  }
  h *= 0.5;
  if (h >= 1) return Infinity;
  const v = -Math.log1p(-h);
  return v > 0 ? v : 0;
}

/**
 * The N × M matrix of Bhattacharyya distances D_B(P_i, Q_j) = −log ∫ √(P_i Q_j) (nats).
 * Gaussians: the closed form of `bhattacharyyaGaussian` (Kailath 1967), evaluated tile by tile
 * on batched forms. Categorical: the coefficient Σ_k √p_k √q_k is one product √P·(√Q)ᵀ; where the
 * distance is small (< cancellationThreshold(K)), it is recomputed as −log1p(−½ Σ(√p − √q)²).
 * Disjoint supports give +Infinity. Other families: the per-pair loop of {@link pairwise} with
 * `bhattacharyya` (exact sums for discrete families, registered pairs). Symmetric, ≥ 0.
 *
 * @example pairwiseBhattacharyya(new Normal([0, 1], 1), new Normal([0, 2], 1)); // [[0, 0.5], [0.125, 0.125]]
 */
export function pairwiseBhattacharyya(
  P: Distribution,
  Q: Distribution,
  options: PairwiseOptions = {},
): NDArray {
  const n = batchLength(P, "p");
  const m = batchLength(Q, "q");
  const cp = categoricalData(P);
  const cq = categoricalData(Q);
  if (cp && cq) {
    checkCategories(cp, cq);
    const K = cp.k;
    const t = checkTile(options.tile, K);
    const tau = cancellationThreshold(K);
    const sp = cp.probs.map(Math.sqrt);
    const sq = cq.probs.map(Math.sqrt);
    const plan: Plan = {
      n,
      m,
      tile: t,
      fill(i0, i1, out, off) {
        for (let r0 = i0; r0 < i1; r0 += t) {
          const r1 = Math.min(i1, r0 + t);
          for (let c0 = 0; c0 < m; c0 += t) {
            const c1 = Math.min(m, c0 + t);
            const base = off + (r0 - i0) * m + c0;
            gemmNT(r1 - r0, c1 - c0, K, sp, r0 * K, K, sq, c0 * K, K, out, base, m);
            for (let i = r0; i < r1; i++) {
              for (let j = c0; j < c1; j++) {
                const o = base + (i - r0) * m + j - c0;
                const v = -Math.log(out[o]);
                out[o] = v < tau ? categoricalPairBhattacharyya(cp, i, cq, j) : v;
              }
            }
          }
        }
      },
    };
    return runFull(plan, options.onRows);
  }
  const forms = gaussianForms(P, Q);
  if (!forms) return pairwise(P, Q, bhattacharyya, options);
  const plan = gaussianFormPlan(
    forms[0],
    forms[1],
    n,
    m,
    options.tile,
    (a, b) => renyiGaussianForms(a, b, 0.5),
    (x) => 0.5 * x,
  );
  return runFull(plan, options.onRows);
}

/**
 * The N × M matrix of 2-Wasserstein distances W₂(P_i, Q_j) (not squared) between Gaussians:
 * W₂² = ‖μp − μq‖² + tr Σp + tr Σq − 2 tr √(Σp^½ Σq Σp^½) (Dowson & Landau 1982), evaluated tile
 * by tile with the batched closed form of `wasserstein2`. Symmetric, ≥ 0.
 *
 * @example pairwiseWasserstein2(new Normal([0], 1), new Normal([3, 0], [2, 1])); // [[√10, 0]]
 */
export function pairwiseWasserstein2(
  P: Distribution,
  Q: Distribution,
  options: PairwiseOptions = {},
): NDArray {
  const n = batchLength(P, "p");
  const m = batchLength(Q, "q");
  const forms = gaussianForms(P, Q);
  if (!forms) {
    throw notImplemented(
      `pairwiseWasserstein2 has a closed form for Gaussian families only; got (${P.family}, ${Q.family}); ` +
        `use pairwise(P, Q, fn)`,
    );
  }
  return runFull(
    gaussianFormPlan(forms[0], forms[1], n, m, options.tile, frechetGaussianForms, Math.sqrt),
    options.onRows,
  );
}

/** Exact JS between categorical rows: ½ Σ_k [p log(2p/(p+q)) + q log(2q/(p+q))], via log1p. */
export function categoricalPairJs(p: CategoricalData, i: number, q: CategoricalData, j: number): number {
  const K = p.k;
  let s = 0;
  for (let k = 0; k < K; k++) {
    const a = p.probs[i * K + k];
    const b = q.probs[j * K + k];
    if (a === 0 && b === 0) continue;
    if (a === 0) s += b * Math.LN2;
    else if (b === 0) s += a * Math.LN2;
    else {
      const u = (a - b) / (a + b);
      s += a * Math.log1p(u) + b * Math.log1p(-u);
    }
  }
  const v = 0.5 * s;
  return v > 0 ? v : 0;
}

/**
 * The N × M matrix of Jensen–Shannon divergences JS(P_i, Q_j) = ½ KL(P_i ‖ M) + ½ KL(Q_j ‖ M),
 * M = (P_i + Q_j)/2, in nats, for Categorical (or OneHotCategorical) batches — exact, term by
 * term as ½ Σ_k [p log1p(u) + q log1p(−u)], u = (p − q)/(p + q) (no cancellation for p ≈ q;
 * a category where only one side has mass contributes its probability × log 2). Between
 * 0 and log 2, symmetric. O(N·M·K) logarithms (JS has no product form). Other families: the
 * per-pair loop of {@link pairwise} with `js` (exact sums for discrete families, registered
 * pairs; a pair with no closed form raises `NotImplemented` — use `pairwise(P, Q, fn)` with an
 * estimator such as `jsMonteCarlo`).
 *
 * @example pairwiseJs(new Categorical({ probs: [[1, 0]] }), new Categorical({ probs: [[0, 1], [1, 0]] })); // [[log 2, 0]]
 */
export function pairwiseJs(P: Distribution, Q: Distribution, options: PairwiseOptions = {}): NDArray {
  const cp = categoricalData(P);
  const cq = categoricalData(Q);
  if (!cp || !cq) return pairwise(P, Q, js, options);
  checkCategories(cp, cq);
  return runFull(jsPlan(cp, cq, P, Q, options.tile), options.onRows);
}

export function jsPlan(
  cp: CategoricalData,
  cq: CategoricalData,
  P: Distribution,
  Q: Distribution,
  tile?: number,
): Plan {
  const n = batchLength(P, "p");
  const m = batchLength(Q, "q");
  const t = checkTile(tile, cp.k);
  return {
    n,
    m,
    tile: t,
    fill(i0, i1, out, off) {
      for (let r0 = i0; r0 < i1; r0 += t) {
        const r1 = Math.min(i1, r0 + t);
        for (let c0 = 0; c0 < m; c0 += t) {
          const c1 = Math.min(m, c0 + t);
          for (let i = r0; i < r1; i++)
            for (let j = c0; j < c1; j++) out[off + (i - i0) * m + j] = categoricalPairJs(cp, i, cq, j);
        }
      }
    },
  };
}
