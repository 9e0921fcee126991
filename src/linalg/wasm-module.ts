/**
 * The compiled WebAssembly SIMD module (sources in `asm/kernels.ts`, built by `npm run build:wasm`
 * into `./generated/kernels-wasm.ts` as base64, so no file I/O or bundler plugin is needed):
 * feature detection, loading, status, and the module's linear memory. The kernels that use it
 * are in ./wasm.ts (the dense backend), ./threaded.ts (its thread pool) and beside them.
 *
 * - {@link initWasmSync} compiles and instantiates synchronously (Node, workers; some browsers
 *   refuse synchronous compilation of modules over 4 KB on the main thread, and then it returns
 *   false); {@link initWasm} is the asynchronous form that works everywhere.
 * - SIMD is feature-detected with `WebAssembly.validate` on a tiny module; without it, or without
 *   WebAssembly, every caller falls back to the TypeScript kernels. Where relaxed SIMD also
 *   validates (current Chrome; Node 20 only with `--experimental-wasm-relaxed-simd`), the
 *   relaxed-SIMD build of the same source (fused multiply-add) is loaded instead, unless
 *   `KULLBACK_NO_RELAXED_SIMD=1`; {@link wasmStatus}`().module` says which.
 */
import { kernelsWasmBase64, kernelsWasmRelaxedBase64 } from "./generated/kernels-wasm.js";
import { decodeBase64 } from "./base64.js";

/** The raw exports of the compiled module (pointers are byte offsets into `memory`). */
export interface WasmKernelExports {
  readonly memory: WebAssembly.Memory;
  dataPtr(): number;
  ensure(bytes: number): number;
  gemm(
    transA: number,
    transB: number,
    m: number,
    n: number,
    k: number,
    alpha: number,
    a: number,
    lda: number,
    b: number,
    ldb: number,
    c: number,
    ldc: number,
  ): void;
  /** `gemm` with every multiply-add rounded twice (also in the relaxed-SIMD build): the plain build's bits. */
  gemmUnfused(
    transA: number,
    transB: number,
    m: number,
    n: number,
    k: number,
    alpha: number,
    a: number,
    lda: number,
    b: number,
    ldb: number,
    c: number,
    ldc: number,
  ): void;
  syrkLower(n: number, k: number, alpha: number, a: number, lda: number, c: number, ldc: number): void;
  potrf(n: number, a: number): number;
  trsmLower(n: number, m: number, l: number, b: number): void;
  trsmLowerTrans(n: number, m: number, l: number, b: number): void;
  trsvLower(n: number, l: number, x: number): void;
  trilSolveTril(n: number, lq: number, lp: number, out: number): void;
  sqDist(m: number, n: number, d: number, a: number, b: number, out: number, work: number): void;
  expScalar(x: number): number;
  expm1Scalar(x: number): number;
  expm1MinusXScalar(x: number): number;
  expArray(n: number, x: number, out: number): void;
  expm1MinusXArray(n: number, x: number, out: number): void;
  klDiagBatch(
    nb: number,
    d: number,
    locP: number,
    lvP: number,
    locQ: number,
    locQShared: number,
    lvQ: number,
    lvQShared: number,
    out: number,
    work: number,
  ): void;
  tridiagFusedStep(n: number, a: number, i: number, l: number, q: number, pn: number, work: number): void;
  tridiagParts(): number;
  tridiagPartStart(l: number, p: number): number;
  tridiagFusedRows(
    n: number,
    a: number,
    i: number,
    l: number,
    q: number,
    part: number,
    j0: number,
    j1: number,
  ): void;
  tridiagReduce(n: number, l: number, work: number, pn: number): void;
  /** Columns [c0, c1) of a pairwise categorical KL block, parameters at prm (src/linalg/catkl.ts). */
  catKlCols(prm: number, c0: number, c1: number, chunk: number): void;
  /** k-d tree queries at positions [p0, p1), parameters at prm (src/linalg/kdknn.ts). */
  kdKnn(prm: number, p0: number, p1: number): void;
  // the pieces of potrf and trilSolveTril, and per-instance scratch (src/linalg/threaded.ts)
  scratchBytes(): number;
  scratchPtr(): number;
  setScratch(p: number): void;
  potrfBlock(): number;
  solveBlock(): number;
  potrfDiag(n: number, a: number, k0: number, kb: number): number;
  potrfPanel(n: number, a: number, k0: number, kb: number, r0: number, r1: number): void;
  potrfUpdate(n: number, a: number, k0: number, kb: number, r0: number, r1: number): void;
  zeroUpper(n: number, a: number, r0: number, r1: number): void;
  trilSolveTrilCols(n: number, lq: number, lp: number, out: number, jb0: number, jb1: number): void;
}

// (module (func (param v128) (result v128) local.get 0 local.get 0 f64x2.add))
const SIMD_PROBE = [
  0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 6, 1, 0x60, 1, 0x7b, 1, 0x7b, 3, 2, 1, 0, 0x0a, 0x0b, 1, 9, 0, 0x20, 0,
  0x20, 0, 0xfd, 0xf0, 1, 0x0b,
];
// (module (func (param v128) (result v128) local.get 0 local.get 0 local.get 0 f64x2.relaxed_madd))
const RELAXED_SIMD_PROBE = [
  0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 6, 1, 0x60, 1, 0x7b, 1, 0x7b, 3, 2, 1, 0, 0x0a, 0x0d, 1, 0x0b, 0, 0x20,
  0, 0x20, 0, 0x20, 0, 0xfd, 0x87, 2, 0x0b,
];

/** What this runtime supports and whether the kernel module is loaded. */
export interface WasmStatus {
  /** WebAssembly is present. */
  readonly wasm: boolean;
  /** 128-bit SIMD validates (required by the kernels). */
  readonly simd: boolean;
  /** Relaxed SIMD validates (current Chrome; Node 20 with `--experimental-wasm-relaxed-simd`). */
  readonly relaxedSimd: boolean;
  /** The kernel module is instantiated. */
  readonly loaded: boolean;
  /**
   * Which build is loaded: `"relaxed-simd"` (fused multiply-add in the GEMM micro-kernel, dot
   * products, triangular-solve row updates and the tridiagonalisation step) where relaxed SIMD
   * validates, unless the environment variable `KULLBACK_NO_RELAXED_SIMD=1` is set; `"simd"`
   * otherwise; null before loading.
   */
  readonly module: "simd" | "relaxed-simd" | null;
  /** Why it is not loaded, when it is not (after an attempt). */
  readonly error?: string;
}

function validates(bytes: number[]): boolean {
  try {
    return WebAssembly.validate(Uint8Array.from(bytes));
  } catch {
    return false;
  }
}

const hasWasm = typeof WebAssembly === "object" && typeof WebAssembly.validate === "function";
let features: { simd: boolean; relaxedSimd: boolean } | null = null;
function detect(): { simd: boolean; relaxedSimd: boolean } {
  features ??= {
    simd: hasWasm && validates(SIMD_PROBE),
    relaxedSimd: hasWasm && validates(RELAXED_SIMD_PROBE),
  };
  return features;
}

let instance: WasmKernelExports | null = null;
let loadedModule: "simd" | "relaxed-simd" | null = null;
let base = 0;
let heapView: Float64Array | null = null;
let loadError: string | undefined;
let attempted = false;

/** Whether the relaxed-SIMD build is to be loaded: it validates and is not opted out of. */
function wantRelaxed(): boolean {
  if (!detect().relaxedSimd) return false;
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const off = env?.KULLBACK_NO_RELAXED_SIMD;
  return off === undefined || off === "" || off === "0";
}

function moduleBytes(relaxed: boolean): Uint8Array {
  return decodeBase64(relaxed ? kernelsWasmRelaxedBase64 : kernelsWasmBase64);
}

function adopt(inst: WebAssembly.Instance, relaxed: boolean): void {
  const ex = inst.exports as unknown as WasmKernelExports;
  if (!ex.ensure(0)) throw new Error("could not allocate the kernels' working memory");
  base = ex.dataPtr();
  instance = ex;
  loadedModule = relaxed ? "relaxed-simd" : "simd";
  heapView = null;
}

function precheck(): boolean {
  attempted = true;
  if (!hasWasm) {
    loadError = "WebAssembly is not available";
    return false;
  }
  if (!detect().simd) {
    loadError = "WebAssembly SIMD is not supported";
    return false;
  }
  return true;
}

/**
 * Compiles and instantiates the kernel module synchronously (Node, web workers). Returns true
 * when the WASM kernels are usable; false (with the reason in {@link wasmStatus}) when
 * WebAssembly or SIMD is missing, or synchronous compilation is refused (a browser's main thread
 * may refuse modules over 4 KB; this one is ≈ 14 KB).
 *
 * @example
 * if (initWasmSync()) setKernels(wasmKernels);
 */
export function initWasmSync(): boolean {
  if (instance) return true;
  if (!precheck()) return false;
  let relaxed = wantRelaxed();
  for (;;) {
    try {
      const mod = new WebAssembly.Module(moduleBytes(relaxed) as BufferSource);
      adopt(new WebAssembly.Instance(mod, {}), relaxed);
      loadError = undefined;
      return true;
    } catch (e) {
      loadError = e instanceof Error ? e.message : String(e);
      if (!relaxed) return false;
      relaxed = false; // the plain SIMD build is the fallback
    }
  }
}

/**
 * Compiles and instantiates the kernel module asynchronously (works on a browser's main thread
 * too). Resolves to true when the WASM kernels are usable.
 *
 * @example
 * if (await initWasm()) enableWasm();
 */
export async function initWasm(): Promise<boolean> {
  if (instance) return true;
  if (!precheck()) return false;
  let relaxed = wantRelaxed();
  for (;;) {
    try {
      const { instance: inst } = await WebAssembly.instantiate(moduleBytes(relaxed) as BufferSource, {});
      adopt(inst, relaxed);
      loadError = undefined;
      return true;
    } catch (e) {
      loadError = e instanceof Error ? e.message : String(e);
      if (!relaxed) return false;
      relaxed = false;
    }
  }
}

/** Whether the loaded kernel module is the relaxed-SIMD build (the threaded pool loads the same one). */
export function relaxedSimdLoaded(): boolean {
  return loadedModule === "relaxed-simd";
}

/** Feature detection and load state of the WASM backend. */
export function wasmStatus(): WasmStatus {
  const f = detect();
  return {
    wasm: hasWasm,
    simd: f.simd,
    relaxedSimd: f.relaxedSimd,
    loaded: instance !== null,
    module: loadedModule,
    ...(loadError !== undefined ? { error: loadError } : {}),
  };
}

/**
 * The raw module exports (loading it synchronously on first use), or null when unavailable.
 * Low level: for benchmarks and tests; use the kernels below otherwise.
 */
export function wasmExports(): WasmKernelExports | null {
  if (!instance && !attempted) initWasmSync();
  return instance;
}

/** Reserves `doubles` float64 slots from the data region; returns its first index into the heap, or -1. */
export function reserve(w: WasmKernelExports, doubles: number): number {
  if (!w.ensure(doubles * 8)) return -1;
  return base >>> 3;
}

export function heap(w: WasmKernelExports): Float64Array {
  if (!heapView || heapView.buffer !== w.memory.buffer) heapView = new Float64Array(w.memory.buffer);
  return heapView;
}

/** Rounds a count of doubles up to a multiple of 8 (64-byte aligned sub-arrays). */
export function pad(n: number): number {
  return (n + 7) & ~7;
}
