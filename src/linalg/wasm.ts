/**
 * The WebAssembly SIMD backend of the dense kernels (sources in `asm/kernels.ts`, compiled by
 * `npm run build:wasm` into `./generated/kernels-wasm.ts` as base64, so no file I/O or bundler
 * plugin is needed).
 *
 * - {@link initWasmSync} compiles and instantiates synchronously (Node, workers; some browsers
 *   refuse synchronous compilation of modules over 4 KB on the main thread, and then it returns
 *   false); {@link initWasm} is the asynchronous form that works everywhere.
 * - SIMD is feature-detected with `WebAssembly.validate` on a tiny module; without it, or without
 *   WebAssembly, every entry point here falls back to the TypeScript kernels. Where relaxed SIMD
 *   also validates (current Chrome; Node 20 only with `--experimental-wasm-relaxed-simd`), the
 *   relaxed-SIMD build of the same source (fused multiply-add) is loaded instead, unless
 *   `KULLBACK_NO_RELAXED_SIMD=1`; {@link wasmStatus}`().module` says which.
 * - Data is copied into the module's linear memory, the kernel runs there, results are copied
 *   out: inputs are never mutated beyond what the kernel contract says.
 * - {@link wasmKernels} implements the library's {@link Kernels} interface; below the switch-over
 *   sizes in {@link WASM_SWITCH_OVER} (measured, see there) it delegates to the TypeScript
 *   kernels, where copying in and out costs more than the SIMD saves.
 *
 * Results agree with the TypeScript kernels to round-off (different summation order), except
 * the fused diagonal KL which follows the TypeScript operation order exactly.
 *
 * Opt-in, not the library default: below the switch-over sizes (most Gaussian KL calls, d < 12)
 * it changes nothing, and the gains above them (kl(MVN, MVN) incl. construction: 1.5× at d = 32,
 * 3× at d = 100, 6× at d = 300; Cholesky 9–15× at n = 256…2000) come with costs a caller should
 * choose: the module's memory grows to the largest problem seen and is never returned, results
 * differ from the TypeScript path in the last bits, and code that keys on `kernels().name`
 * (the pairwise GEMM) changes path. Turn it on with {@link enableWasm}.
 */
import * as ts from "./cholesky.js";
import type { Kernels } from "./kernels.js";
import { kernels, setKernels, jsKernels } from "./kernels.js";
import { invalidShape } from "../core/errors.js";
import { expm1MinusX as phi } from "../core/numerics.js";
import { heap, initWasmSync, pad, reserve, wasmExports, type WasmKernelExports } from "./wasm-module.js";
import {
  batchThreadsFor,
  denseThreadsFor,
  threadedKlDiag,
  threadedPotrf,
  threadedRegion,
  threadedTrilSolveTrilInPlace,
} from "./threaded.js";

/**
 * A region of `doubles` float64 slots in the module's memory for a caller that keeps its arrays
 * there while it calls kernels (src/linalg/eigh.ts): the heap view, the index of the region's
 * first slot, and the exports. Null unless {@link kernelsFor}(order) is WASM, or when memory
 * cannot grow.
 * The view stays valid until the next call that reserves memory.
 */
export function wasmRegion(
  doubles: number,
  order: number,
): { heap: Float64Array; offset: number; exports: WasmKernelExports } | null {
  if (kernelsFor(order).name !== "wasm") return null;
  const w = wasmExports();
  if (!w) return null;
  const offset = reserve(w, doubles);
  if (offset < 0) return null;
  return { heap: heap(w), offset, exports: w };
}

/**
 * Where a kernel call stages `doubles` float64 slots: the dense thread pool's shared memory when
 * `threads` > 1 and the pool can take them (`shared` true: the chunks of the call may go to the
 * workers), else this module's own memory. The heap view and the index of the first slot (valid
 * until the next call that reserves memory), or null when WebAssembly is missing or memory
 * cannot grow.
 */
export function stagingRegion(
  threads: number,
  doubles: number,
): { heap: Float64Array; offset: number; shared: boolean; exports: WasmKernelExports } | null {
  const w = wasmExports();
  if (!w) return null;
  const t = threads > 1 ? threadedRegion(threads, doubles) : null;
  if (t) return { heap: t.heap, offset: t.offset, shared: true, exports: w };
  const offset = reserve(w, doubles);
  return offset < 0 ? null : { heap: heap(w), offset, shared: false, exports: w };
}

/**
 * Sizes at which {@link wasmKernels} switches from the TypeScript kernels to WASM, measured with
 * `node bench/wasm.mjs --switch` (2-core AVX2 machine, Node 20; CPU time per call including the
 * copy in and out, best of 7 runs; TS time / WASM time in parentheses):
 *
 * - potrf: n ≥ 12 (n = 8: 0.8–0.9×, 12: 1.4–1.6×, 16: 2×, 24: 3–4×, 64: 6×, 200: 8×).
 * - trsmLower / trsmLowerTrans (n×n triangle, m right-hand sides): n ≥ 8 and n·m ≥ 48
 *   (n = 8, m = 4: 1.0×; 8×8: 1.2–1.6×; 12×4: 1.5×; 16×16: 3–5×; one right-hand side: 0.6–0.8×
 *   at n ≤ 12, 1.0–1.2× for n = 16…64 — the O(n²) copy of the triangle eats most of the gain).
 * - trsvLower: n ≥ 32 (n = 16: 0.6–0.7×, 24: 1.1×, 32: 1.4×, 64: 2.6–3×, 200: 4–5×, 1000: 2–2.5×,
 *   2000: 0.9–1.4× — O(n²) work on O(n²) copied data).
 * - trilSolveTril: n ≥ 12 (n = 8: 0.9×, 12: 1.5×, 16: 2–2.6×, 64: 4.5–5×, 200: 7–8×).
 * - logDiagSum is always TS: O(n) work.
 */
export const WASM_SWITCH_OVER: Readonly<{
  potrf: number;
  trsm: number;
  trsmWork: number;
  trsv: number;
  trilSolveTril: number;
}> = Object.freeze({ potrf: 12, trsm: 8, trsmWork: 48, trsv: 32, trilSolveTril: 12 });

/**
 * Builds a {@link Kernels} backend that runs in WASM from the given sizes on (TS below them, and
 * whenever the module is unavailable). {@link wasmKernels} uses {@link WASM_SWITCH_OVER}; tests
 * pass zeros to exercise WASM at every size.
 *
 * @example
 * setKernels(createWasmKernels({ potrf: 0, trsm: 0, trsmWork: 0, trsv: 0, trilSolveTril: 0 }));
 */
export function createWasmKernels(at: typeof WASM_SWITCH_OVER, name = "wasm"): Kernels {
  return {
    name,
    potrf(n, a, aOff) {
      const w = n >= at.potrf ? wasmExports() : null;
      const t = w ? denseThreadsFor(n) : 1;
      if (t > 1) {
        const info = threadedPotrf(n, a, aOff, t);
        if (info !== null) return info;
      }
      const o = w ? reserve(w, n * n) : -1;
      if (!w || o < 0) return ts.potrf(n, a, aOff);
      const h = heap(w);
      h.set(a.subarray(aOff, aOff + n * n), o);
      const info = w.potrf(n, o * 8);
      a.set(h.subarray(o, o + n * n), aOff);
      return info;
    },
    trsmLower(n, m, l, lOff, b, bOff) {
      const w = n >= at.trsm && n * m >= at.trsmWork ? wasmExports() : null;
      const o = w ? reserve(w, pad(n * n) + n * m) : -1;
      if (!w || o < 0) return ts.trsmLower(n, m, l, lOff, b, bOff);
      const h = heap(w);
      const ob = o + pad(n * n);
      h.set(l.subarray(lOff, lOff + n * n), o);
      h.set(b.subarray(bOff, bOff + n * m), ob);
      w.trsmLower(n, m, o * 8, ob * 8);
      b.set(h.subarray(ob, ob + n * m), bOff);
    },
    trsmLowerTrans(n, m, l, lOff, b, bOff) {
      const w = n >= at.trsm && n * m >= at.trsmWork ? wasmExports() : null;
      const o = w ? reserve(w, pad(n * n) + n * m) : -1;
      if (!w || o < 0) return ts.trsmLowerTrans(n, m, l, lOff, b, bOff);
      const h = heap(w);
      const ob = o + pad(n * n);
      h.set(l.subarray(lOff, lOff + n * n), o);
      h.set(b.subarray(bOff, bOff + n * m), ob);
      w.trsmLowerTrans(n, m, o * 8, ob * 8);
      b.set(h.subarray(ob, ob + n * m), bOff);
    },
    trsvLower(n, l, lOff, x, xOff) {
      const w = n >= at.trsv ? wasmExports() : null;
      const o = w ? reserve(w, pad(n * n) + n) : -1;
      if (!w || o < 0) return ts.trsvLower(n, l, lOff, x, xOff);
      const h = heap(w);
      const ox = o + pad(n * n);
      h.set(l.subarray(lOff, lOff + n * n), o);
      h.set(x.subarray(xOff, xOff + n), ox);
      w.trsvLower(n, o * 8, ox * 8);
      x.set(h.subarray(ox, ox + n), xOff);
    },
    trilSolveTril(n, lq, qOff, lp, pOff, out) {
      const r = n >= at.trilSolveTril ? trilSolveTrilInHeap(n, lq, qOff, lp, pOff) : null;
      if (!r) return ts.trilSolveTril(n, lq, qOff, lp, pOff, out);
      out.set(r.heap.subarray(r.offset, r.offset + n * n), 0);
    },
    trilSolveTrilOffSq(n, lq, qOff, lp, pOff, scratch) {
      // M stays in the module's memory and is summed there: no n² copy out, and `scratch`
      // (possibly fresh, untouched memory) is never written
      const r = n >= at.trilSolveTril ? trilSolveTrilInHeap(n, lq, qOff, lp, pOff) : null;
      if (!r) return ts.trilSolveTrilOffSq(n, lq, qOff, lp, pOff, scratch);
      return ts.strictLowerSq(n, r.heap, r.offset);
    },
    logDiagSum: ts.logDiagSum,
  };
}

/**
 * M = Lq⁻¹ Lp computed in WASM memory (threaded for large n): the heap view and the index of
 * M[0, 0], valid until the next call that reserves memory; null without the module or memory.
 */
function trilSolveTrilInHeap(
  n: number,
  lq: Float64Array,
  qOff: number,
  lp: Float64Array,
  pOff: number,
): { heap: Float64Array; offset: number } | null {
  const w = wasmExports();
  if (!w) return null;
  const t = denseThreadsFor(n);
  if (t > 1) {
    const r = threadedTrilSolveTrilInPlace(n, lq, qOff, lp, pOff, t);
    if (r !== null) return r;
  }
  const nn = pad(n * n);
  const o = reserve(w, 3 * nn);
  if (o < 0) return null;
  const h = heap(w);
  h.set(lq.subarray(qOff, qOff + n * n), o);
  h.set(lp.subarray(pOff, pOff + n * n), o + nn);
  w.trilSolveTril(n, o * 8, (o + nn) * 8, (o + 2 * nn) * 8);
  return { heap: h, offset: o + 2 * nn };
}

/**
 * The WASM SIMD kernels behind the library's {@link Kernels} interface: same contracts and
 * results to round-off as `jsKernels`, TypeScript below {@link WASM_SWITCH_OVER} and whenever
 * WASM/SIMD is unavailable (the module is loaded synchronously on first use).
 */
export const wasmKernels: Kernels = createWasmKernels(WASM_SWITCH_OVER);

/**
 * Installs {@link wasmKernels} as the library's dense kernels when the module can be used
 * (loading it synchronously if needed; in a browser's main thread call `await initWasm()` first).
 * Returns whether WASM is now in use.
 *
 * @example
 * enableWasm(); // true under Node 20
 */
export function enableWasm(): boolean {
  largeAuto = true;
  if (!initWasmSync()) return false;
  setKernels(wasmKernels);
  return true;
}

/**
 * Goes back to the plain TypeScript kernels, for every size: this also turns off the automatic
 * use of WASM for large dense problems (see {@link kernelsFor}) until {@link enableWasm}.
 */
export function disableWasm(): void {
  largeAuto = false;
  setKernels(jsKernels);
}

/**
 * Back to the default: TypeScript kernels, with WASM for dense problems of order ≥
 * {@link WASM_LARGE_ORDER} (the state before any {@link enableWasm} or {@link disableWasm}).
 */
export function defaultKernels(): void {
  largeAuto = true;
  setKernels(jsKernels);
}

/**
 * Order from which dense factorisations and products run in WebAssembly SIMD even when
 * {@link enableWasm} was not called (Gaussians with d in the hundreds, FID at feature sizes):
 * there the kernels are 4–9× faster than the TypeScript loops, and the copy in and out is noise.
 */
export const WASM_LARGE_ORDER = 256;

let largeAuto = true;

/**
 * The backend setting in force: `"auto"` (TypeScript, WASM for large dense problems),
 * `"wasm"` (after {@link enableWasm}), `"typescript"` (after {@link disableWasm}), or
 * `"custom"` when other kernels were installed with `setKernels`.
 */
export function backendSetting(): "auto" | "wasm" | "typescript" | "custom" {
  const k = kernels();
  if (k === wasmKernels) return "wasm";
  if (k !== jsKernels) return "custom";
  return largeAuto ? "auto" : "typescript";
}

/**
 * The kernels for a dense problem of order n: the installed ones ({@link kernels}), except that
 * with the default TypeScript kernels a problem of order ≥ {@link WASM_LARGE_ORDER} gets the WASM
 * kernels when WebAssembly SIMD is available and {@link disableWasm} has not been called. Results
 * then agree with the TypeScript path to round-off, not bit for bit.
 *
 * @example
 * kernelsFor(2000).name; // "wasm" under Node 20; "js" for kernelsFor(8)
 */
export function kernelsFor(n: number): Kernels {
  const k = kernels();
  if (k !== jsKernels || !largeAuto || !(n >= WASM_LARGE_ORDER)) return k;
  return initWasmSync() ? wasmKernels : k;
}

/**
 * Number of elements (batch × d) from which the fused batched diagonal-Gaussian KL runs in WASM
 * with the default kernels (the VAE loss over a minibatch: a few times faster than the
 * TypeScript loop, and agreeing with it to a few ulp per element).
 */
export const WASM_LARGE_BATCH = 1 << 15;

/** Whether a batched elementwise job of `elements` doubles per input runs in WASM (see {@link kernelsFor}). */
export function batchUsesWasm(elements: number): boolean {
  const k = kernels();
  if (k.name === "wasm") return true;
  if (k !== jsKernels || !largeAuto || !(elements >= WASM_LARGE_BATCH)) return false;
  return initWasmSync();
}

/** The GEMM backend that matches {@link kernelsFor}(n). */
export function gemmBackendFor(n: number): "wasm" | "auto" {
  return kernelsFor(n).name === "wasm" ? "wasm" : "auto";
}

// ---------------------------------------------------------------------------------------------
// fused kernels for later code

function klDiagRowsTs(
  b0: number,
  b1: number,
  d: number,
  locP: Float64Array,
  lvP: Float64Array,
  locQ: Float64Array,
  sLocQ: number,
  lvQ: Float64Array,
  sLvQ: number,
  out: Float64Array,
): void {
  for (let b = b0; b < b1; b++) {
    let term = 0;
    let maha = 0;
    let nonzero = false;
    for (let j = 0; j < d; j++) {
      const lvq = lvQ[b * sLvQ + j];
      term += phi(lvP[b * d + j] - lvq);
      const delta = locP[b * d + j] - locQ[b * sLocQ + j];
      if (delta !== 0) nonzero = true;
      // as src/kl/gaussian.ts: δ² e^{−lvq} where both are normal floats, else (δ e^{−lvq/2})²
      const dd = delta * delta;
      const iv = Math.exp(-lvq);
      if (dd >= 2.2250738585072014e-308 && dd < Infinity && iv >= 2.2250738585072014e-308 && iv < Infinity)
        maha += dd * iv;
      else if (delta !== 0) {
        const z = delta * Math.exp(-0.5 * lvq);
        maha += z * z;
      }
    }
    const v = 0.5 * (term + (nonzero ? maha : 0));
    out[b] = v > 0 || v !== v ? v : 0;
  }
}

/** Rows per call of the fused diagonal KL: keeps the working set near 1 MB (in cache). */
const KL_CHUNK_DOUBLES = 1 << 17;

/**
 * Batched KL(p ‖ q) between diagonal Gaussians, fused in one WASM SIMD pass:
 *
 *   out[b] = ½ [ Σ_j φ(lvp_bj − lvq_bj) + Σ_j (μp_bj − μq_bj)² e^{−lvq_bj} ],  φ(t) = eᵗ − 1 − t,
 *
 * (the closed form, e.g. PyTorch's `_kl_normal_normal` summed over the event dimension, written in
 * log-variances with the expm1 form of TFP so that it is exactly 0 for p = q). `locP`, `logVarP`
 * are nb×d row-major; `locQ` and `logVarQ` are nb×d or one shared row of length d. φ and e^x use
 * division-free polynomial forms of exp and expm1 − x (the fdlibm scalar ones outside their
 * range), so results agree with the library's TypeScript path (`kl(MultivariateNormalDiag…)`) to
 * a few ulp per element, not bit for bit.
 * Results are clamped at 0; NaN inputs give NaN. Falls back to TypeScript without WASM.
 *
 * @example
 * klDiagBatchWasm(1, 2, [0, 0], [0, 0], [1, 0], [0, 0]); // Float64Array [0.5]
 */
export function klDiagBatchWasm(
  nb: number,
  d: number,
  locP: ArrayLike<number>,
  logVarP: ArrayLike<number>,
  locQ: ArrayLike<number>,
  logVarQ: ArrayLike<number>,
  out: Float64Array = new Float64Array(nb),
): Float64Array {
  const n = nb * d;
  if (locP.length !== n)
    throw invalidShape("locP", `must have ${nb}×${d} = ${n} entries; got ${locP.length}`);
  if (logVarP.length !== n) {
    throw invalidShape("logVarP", `must have ${nb}×${d} = ${n} entries; got ${logVarP.length}`);
  }
  const sharedOk = (len: number): boolean => len === n || len === d;
  if (!sharedOk(locQ.length)) {
    throw invalidShape("locQ", `must have ${n} (nb×d) or ${d} (shared) entries; got ${locQ.length}`);
  }
  if (!sharedOk(logVarQ.length)) {
    throw invalidShape("logVarQ", `must have ${n} (nb×d) or ${d} (shared) entries; got ${logVarQ.length}`);
  }
  if (out.length < nb) throw invalidShape("out", `must have at least ${nb} entries; got ${out.length}`);
  const f64 = (x: ArrayLike<number>): Float64Array => (x instanceof Float64Array ? x : Float64Array.from(x));
  const lp = f64(locP);
  const vp = f64(logVarP);
  const lq = f64(locQ);
  const vq = f64(logVarQ);
  // row strides of q's arrays: 0 for a shared row (when nb = 1 both readings agree)
  const sLocQ = lq.length === n ? d : 0;
  const sLvQ = vq.length === n ? d : 0;
  if (nb === 0 || d === 0) {
    out.fill(0, 0, nb);
    return out;
  }
  const w = wasmExports();
  const chunkDoubles = (r: number): number => 4 * pad(r * d) + pad(r) + pad(d);
  // large batches (Node): chunks copied into the shared memory, their rows shared between threads
  const threads = w ? batchThreadsFor(n) : 1;
  if (threads > 1) {
    const rowsT = Math.max(1, Math.floor((4 * KL_CHUNK_DOUBLES) / (4 * d)));
    const r = Math.min(rowsT, nb);
    const t = threadedRegion(threads, chunkDoubles(r));
    if (
      t !== null &&
      klDiagChunks(t.heap, t.offset, r, nb, d, lp, vp, lq, sLocQ, vq, sLvQ, out, threadedKlDiag)
    ) {
      return out;
    }
  }
  const rows = Math.max(1, Math.floor(KL_CHUNK_DOUBLES / (4 * d)));
  const o = w ? reserve(w, chunkDoubles(Math.min(rows, nb))) : -1;
  if (!w || o < 0) {
    klDiagRowsTs(0, nb, d, lp, vp, lq, sLocQ, vq, sLvQ, out);
    return out;
  }
  const r = Math.min(rows, nb);
  const oWork = o + 4 * pad(r * d) + pad(r);
  klDiagChunks(
    heap(w),
    o,
    r,
    nb,
    d,
    lp,
    vp,
    lq,
    sLocQ,
    vq,
    sLvQ,
    out,
    (cnt, dd, oLp, oVp, oLq, sl, oVq, sv, oOut) => {
      w.klDiagBatch(cnt, dd, oLp * 8, oVp * 8, oLq * 8, sl ? 1 : 0, oVq * 8, sv ? 1 : 0, oOut * 8, oWork * 8);
      return true;
    },
  );
  return out;
}

/** Runs one chunk of the fused diagonal KL on operands staged at the given heap slots (slot indices). */
type KlDiagChunk = typeof threadedKlDiag;

/**
 * The chunk loop of {@link klDiagBatchWasm}: copies chunks of r rows into `h` from slot `o` on
 * (locP, logVarP, locQ, logVarQ, out), runs `run` on each and copies the results out. False
 * (out then partly written; the caller recomputes all of it) when `run` fails.
 */
function klDiagChunks(
  h: Float64Array,
  o: number,
  r: number,
  nb: number,
  d: number,
  lp: Float64Array,
  vp: Float64Array,
  lq: Float64Array,
  sLocQ: number,
  vq: Float64Array,
  sLvQ: number,
  out: Float64Array,
  run: KlDiagChunk,
): boolean {
  const oLp = o;
  const oVp = oLp + pad(r * d);
  const oLq = oVp + pad(r * d);
  const oVq = oLq + pad(r * d);
  const oOut = oVq + pad(r * d);
  if (sLocQ === 0) h.set(lq.subarray(0, d), oLq);
  if (sLvQ === 0) h.set(vq.subarray(0, d), oVq);
  for (let b0 = 0; b0 < nb; b0 += r) {
    const cnt = Math.min(r, nb - b0);
    h.set(lp.subarray(b0 * d, (b0 + cnt) * d), oLp);
    h.set(vp.subarray(b0 * d, (b0 + cnt) * d), oVp);
    if (sLocQ !== 0) h.set(lq.subarray(b0 * d, (b0 + cnt) * d), oLq);
    if (sLvQ !== 0) h.set(vq.subarray(b0 * d, (b0 + cnt) * d), oVq);
    if (!run(cnt, d, oLp, oVp, oLq, sLocQ === 0, oVq, sLvQ === 0, oOut)) return false;
    out.set(h.subarray(oOut, oOut + cnt), b0);
  }
  return true;
}

function sqDistTs(
  a: Float64Array,
  m: number,
  b: Float64Array,
  n: number,
  d: number,
  out: Float64Array,
  outOff: number,
): void {
  const nb = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let k = 0; k < d; k++) s += b[j * d + k] * b[j * d + k];
    nb[j] = s;
  }
  for (let i = 0; i < m; i++) {
    let na = 0;
    for (let k = 0; k < d; k++) na += a[i * d + k] * a[i * d + k];
    for (let j = 0; j < n; j++) {
      let dot = 0;
      for (let k = 0; k < d; k++) dot += a[i * d + k] * b[j * d + k];
      const v = na + nb[j] - 2 * dot;
      out[outOff + i * n + j] = v > 0 ? v : v === v ? 0 : v;
    }
  }
}

/**
 * Below this many multiply-adds (m·n·d) {@link sqDistWasm} stays in TypeScript (measured:
 * 4×4×4: 0.9×, 8×8×8: 5×, 100×100×16: 18×).
 */
const SQDIST_SWITCH_OVER = 256;
/** Output doubles per WASM call of {@link sqDistWasm} (rows of A are processed in chunks). */
const SQDIST_CHUNK_DOUBLES = 1 << 20;

/**
 * Squared Euclidean distances between the rows of A (m×d) and of B (n×d), row-major:
 *
 *   out[i·n + j] = max(0, ‖a_i‖² + ‖b_j‖² − 2 a_i·b_j),
 *
 * the cross terms by the WASM SIMD GEMM, A processed in row blocks. The expansion loses relative
 * accuracy for points much closer together than their norms (absolute error ≈ ε(‖a‖² + ‖b‖²));
 * the clamp keeps round-off from going negative. Falls back to TypeScript without WASM.
 *
 * @example
 * sqDistWasm([0, 0, 1, 1], 2, [1, 0], 1, 2); // Float64Array [1, 1]
 */
export function sqDistWasm(
  a: ArrayLike<number>,
  m: number,
  b: ArrayLike<number>,
  n: number,
  d: number,
  out: Float64Array = new Float64Array(m * n),
): Float64Array {
  if (a.length !== m * d) throw invalidShape("a", `must have ${m}×${d} = ${m * d} entries; got ${a.length}`);
  if (b.length !== n * d) throw invalidShape("b", `must have ${n}×${d} = ${n * d} entries; got ${b.length}`);
  if (out.length < m * n) throw invalidShape("out", `must have at least ${m * n} entries; got ${out.length}`);
  const A = a instanceof Float64Array ? a : Float64Array.from(a);
  const B = b instanceof Float64Array ? b : Float64Array.from(b);
  if (m === 0 || n === 0) return out;
  const w = m * n * d >= SQDIST_SWITCH_OVER ? wasmExports() : null;
  const rows = Math.max(1, Math.min(m, Math.floor(SQDIST_CHUNK_DOUBLES / n)));
  const oB = w ? reserve(w, pad(n * d) + pad(rows * d) + pad(rows * n) + pad(rows + n)) : -1;
  if (!w || oB < 0) {
    sqDistTs(A, m, B, n, d, out, 0);
    return out;
  }
  const h = heap(w);
  const oA = oB + pad(n * d);
  const oC = oA + pad(rows * d);
  const oW = oC + pad(rows * n);
  h.set(B, oB);
  for (let i0 = 0; i0 < m; i0 += rows) {
    const cnt = Math.min(rows, m - i0);
    h.set(A.subarray(i0 * d, (i0 + cnt) * d), oA);
    w.sqDist(cnt, n, d, oA * 8, oB * 8, oC * 8, oW * 8);
    out.set(h.subarray(oC, oC + cnt * n), i0 * n);
  }
  return out;
}
