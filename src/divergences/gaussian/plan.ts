import { broadcastMap, broadcastShapes, sizeOf } from "../../core/array.js";
import { type GaussianForm } from "../../distributions/gaussian-form.js";

// -----------------------------------------------------------------------------------------------
// Batch plan shared by every pair function (as in klGaussianForms)
// -----------------------------------------------------------------------------------------------

export interface Plan {
  /** Full broadcast batch shape and its size. */
  shape: number[];
  n: number;
  /** Broadcast of the two covariance batch shapes and its size. */
  covShape: number[];
  nc: number;
  /** Covariance-pair element c → covariance element of p / q. */
  cp: (c: number) => number;
  cq: (c: number) => number;
  /** Full element i → covariance-pair element, location element of p / q. */
  ct: (i: number) => number;
  lp: (i: number) => number;
  lq: (i: number) => number;
}

export const at = (m: Int32Array | null) => (i: number) => (m ? m[i] : i);

export function plan(fp: GaussianForm, fq: GaussianForm): Plan {
  const shape = broadcastShapes([fp.batchShape, fq.batchShape], ["p", "q"]);
  const covShape = broadcastShapes([fp.covBatch, fq.covBatch], ["p covariance", "q covariance"]);
  return {
    shape,
    n: sizeOf(shape),
    covShape,
    nc: sizeOf(covShape),
    cp: at(broadcastMap(fp.covBatch, covShape)),
    cq: at(broadcastMap(fq.covBatch, covShape)),
    ct: at(broadcastMap(covShape, shape)),
    lp: at(broadcastMap(fp.locBatch, shape)),
    lq: at(broadcastMap(fq.locBatch, shape)),
  };
}

/** δ = μp − μq for full element i into `delta`; returns true when δ = 0 exactly. */
export function locDelta(
  fp: GaussianForm,
  fq: GaussianForm,
  pl: Plan,
  i: number,
  delta: Float64Array,
): boolean {
  const d = fp.d;
  const po = pl.lp(i) * d;
  const qo = pl.lq(i) * d;
  let zero = true;
  for (let j = 0; j < d; j++) {
    const v = fp.loc[po + j] - fq.loc[qo + j];
    delta[j] = v;
    if (v !== 0) zero = false;
  }
  return zero;
}

/** True when p and q share one covariance object with the same batch layout (e.g. p === q). */
export function sameCovariance(fp: GaussianForm, fq: GaussianForm): boolean {
  return (
    fp.cov === fq.cov &&
    fp.covBatch.length === fq.covBatch.length &&
    fp.covBatch.every((s, i) => s === fq.covBatch[i])
  );
}
