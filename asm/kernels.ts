/**
 * kullback's dense float64 kernels in AssemblyScript, compiled to WebAssembly with 128-bit SIMD
 * (f64x2). Built by `npm run build:wasm` (asm/build.mjs) into
 * src/linalg/generated/kernels-wasm.ts; loaded by src/linalg/wasm.ts.
 *
 * Conventions: every matrix is row-major float64, addressed by a byte pointer into linear memory
 * and a leading dimension in elements. There is no garbage-collected runtime (`--runtime stub`):
 * JS asks `ensure(bytes)` for a data region starting at `dataPtr()` and lays its arrays out there
 * itself; the packing buffers of the GEMM live just below that region.
 *
 * Algorithms (textbook; sources named at each function):
 * - GEMM: Goto & van de Geijn's layered scheme ("Anatomy of high-performance matrix
 *   multiplication", ACM TOMS 34(3), 2008): B packed into KC×NR micro-panels, A into MR×KC
 *   micro-panels, an MR×NR register tile of f64x2 accumulators. Each entry of C gets, per KC
 *   slab of k, one sum accumulated in k order from 0 in a single lane, and then C += alpha·sum:
 *   results do not depend on m, n or where the entry sits in a tile (src/pairwise/gemm.ts relies
 *   on this).
 * - Cholesky: right-looking blocked LAPACK dpotrf (panel by dot products, trailing update by SYRK).
 * - Triangular solves: blocked left-looking forward/back substitution, the off-diagonal blocks
 *   through GEMM (BLAS dtrsm).
 * - exp / expm1: the fdlibm algorithms (Sun Microsystems, e_exp.c and s_expm1.c: reduction by
 *   k·ln2 split in hi/lo parts and a rational Remez approximation), which is what V8 uses for
 *   Math.exp / Math.expm1, so that results agree with the TypeScript kernels bit for bit.
 *
 * The kernels live in asm/kernels/, one file per job; this file is the index: it lists the
 * exports of the compiled module.
 */

export { scratchBytes, scratchPtr, setScratch, dataPtr, ensure } from "./kernels/memory";
export { gemm, gemmUnfused, syrkLower } from "./kernels/gemm";
export { potrfDiag, potrfPanel, potrfUpdate, zeroUpper, solveBlock, potrfBlock, potrf } from "./kernels/cholesky";
export { trsmLower, trsmLowerTrans, trsvLower, trilSolveTrilCols, trilSolveTril } from "./kernels/trsm";
export { sqDist } from "./kernels/sqdist";
export { expScalar, expm1Scalar, expm1MinusXScalar, expArray, expm1MinusXArray } from "./kernels/exp";
export { klDiagBatch } from "./kernels/kldiag";
export { tridiagPartStart, tridiagParts, tridiagFusedRows, tridiagReduce, tridiagFusedStep } from "./kernels/tridiag";
export { catKlCols } from "./kernels/catkl";
export { kdKnn } from "./kernels/kdknn";
