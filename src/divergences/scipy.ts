/**
 * SciPy's array functions, with SciPy's semantics (`scipy.special.rel_entr`, `kl_div`,
 * `scipy.stats.entropy`, `scipy.spatial.distance.jensenshannon`), exported by the main entry as
 * the `scipy` namespace: `scipy.entropy(pk, qk)`.
 */
export { relEntr, klDiv, entropy, jensenShannonDistance } from "./elementwise.js";
