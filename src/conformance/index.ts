/**
 * `kullback/conformance`: the reference-vector case format (test/fixtures/vectors/FORMAT.md) run
 * through the library, as `kullback eval` does: evaluate a case line, check it against its
 * expected value, add ops of your own.
 */
export {
  evaluateCase,
  checkOutput,
  registerOps,
  knownOps,
  type CaseOutput,
  type CaseHandler,
} from "./eval.js";
