/**
 * The small interface through which the library reaches its dense kernels. The plain
 * TypeScript implementations are the default; a faster backend (WebAssembly SIMD) can be
 * installed with {@link setKernels} and must give the same results to round-off.
 */
import {
  potrf,
  trsmLower,
  trsmLowerTrans,
  trsvLower,
  trilSolveTril,
  trilSolveTrilOffSq,
  logDiagSum,
} from "./cholesky.js";

export interface Kernels {
  readonly name: string;
  potrf: typeof potrf;
  trsmLower: typeof trsmLower;
  trsmLowerTrans: typeof trsmLowerTrans;
  trsvLower: typeof trsvLower;
  trilSolveTril: typeof trilSolveTril;
  trilSolveTrilOffSq: typeof trilSolveTrilOffSq;
  logDiagSum: typeof logDiagSum;
}

export const jsKernels: Kernels = {
  name: "js",
  potrf,
  trsmLower,
  trsmLowerTrans,
  trsvLower,
  trilSolveTril,
  trilSolveTrilOffSq,
  logDiagSum,
};

let active: Kernels = jsKernels;

/** The kernels in use. */
export function kernels(): Kernels {
  return active;
}

/** Installs another kernel backend (pass `jsKernels` to go back to plain TypeScript). */
export function setKernels(k: Kernels): void {
  active = k;
}
