/**
 * Reusable scratch buffers. Allocating a large typed array costs an off-heap allocation, zeroing
 * and GC bookkeeping (microseconds), which dominated small KL calls; hot paths borrow from here.
 * Buffers are handed out by slot, so two live borrowings must use different slots; the contents
 * are garbage on return.
 */
const slots: Float64Array[] = [];

export function scratch(slot: number, size: number): Float64Array {
  let b = slots[slot];
  if (!b || b.length < size) {
    b = new Float64Array(Math.max(size, 64));
    slots[slot] = b;
  }
  return b;
}
