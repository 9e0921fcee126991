/**
 * Symmetric eigendecomposition and functions of symmetric positive semi-definite matrices.
 *
 * Matrices are dense row-major `Float64Array`s of `n * n` entries addressed with an explicit
 * offset, as in LAPACK-style kernels: entry (i, j) of a matrix at `(a, aOff)` is
 * `a[aOff + i * n + j]`.
 *
 * The kernel is the classic two-phase method: a Householder reduction to tridiagonal form
 * followed by the QL algorithm with implicit Wilkinson shifts on the tridiagonal matrix
 * (the method of the EISPACK routines tred2/tql2, as described in Golub & Van Loan, "Matrix
 * Computations", §8.3, and Wilkinson & Reinsch, "Handbook for Automatic Computation II").
 * The implementation is organised for row-major storage: the Householder vectors live in
 * rows, and the eigenvector matrix is kept transposed (one eigenvector per contiguous row)
 * while the plane rotations of the QL sweeps are applied, then transposed once at the end.
 */
export { eighInPlace, eigh, psdSqrtm, traceSqrtProduct } from "./eigh/api.js";
