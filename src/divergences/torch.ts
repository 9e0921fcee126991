/**
 * PyTorch's array functions, with PyTorch's semantics (`torch.nn.functional.kl_div`), exported by
 * the main entry as the `torch` namespace: `torch.klDivLoss(input, target, options)`.
 */
export { klDivLoss } from "./elementwise.js";
