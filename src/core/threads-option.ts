/** Threads for a call: a count (1 = the calling thread only) or `"auto"`. */
export type ThreadsOption = number | "auto";

/** Upper bound of an explicit `threads` value. */
export const MAX_THREADS = 256;
