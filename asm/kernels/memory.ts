// memory layout (part of the kernels module: asm/kernels.ts is the index)
/** Register tile (rows × columns); NR is two f64x2 vectors. */
export const MR: i32 = 2;
export const NR: i32 = 8;
/** Cache blocking: depth of a packed panel, rows of a packed A block, columns of a packed B block. */
export const KC: i32 = 256;
export const MC: i32 = 128;
export const NC: i32 = 2048;

/**
 * Start of this instance's GEMM scratch (packed A, packed B, the edge tile): 0 means the default
 * place after the static data. Instances that share one memory (the threaded build, one per
 * thread) each get their own region with {@link setScratch}.
 */
export let scratch: usize = 0;

@inline export function packAPtr(): usize {
  return scratch != 0 ? scratch : (__heap_base + 63) & ~(<usize>63);
}
@inline export function packBPtr(): usize {
  return packAPtr() + <usize>(MC * KC * 8);
}
@inline export function tilePtr(): usize {
  return packBPtr() + <usize>(KC * NC * 8);
}

/** Bytes of one instance's GEMM scratch region (a multiple of 64). */
export function scratchBytes(): usize {
  return (<usize>((MC * KC + KC * NC + MR * NR) * 8) + 63) & ~(<usize>63);
}

/** Start of this instance's GEMM scratch ({@link scratchBytes} long; free between kernel calls). */
export function scratchPtr(): usize {
  return packAPtr();
}

/** Moves this instance's GEMM scratch to `p` (64-byte aligned, {@link scratchBytes} long; 0: the default). */
export function setScratch(p: usize): void {
  scratch = p;
}

/** First byte of the region JS may use for its arrays (64-byte aligned, after the default scratch). */
export function dataPtr(): usize {
  return ((__heap_base + 63) & ~(<usize>63)) + scratchBytes();
}

/** Grows memory so that `bytes` bytes from `dataPtr()` are addressable. Returns 1, or 0 on failure. */
export function ensure(bytes: usize): i32 {
  const need = dataPtr() + bytes;
  const have = (<usize>memory.size()) << 16;
  if (need <= have) return 1;
  const pages = <i32>((need - have + 0xffff) >>> 16);
  return memory.grow(pages) < 0 ? 0 : 1;
}

