/**
 * Dispatch of kl(p, q): the exact registered pair, else the most specific one by subclass order
 * (PyTorch's rule), and a clear error when the match is ambiguous.
 */
import { describe, expect, it } from "vitest";
import { KullbackError } from "../../src/core/errors.js";
import { Normal } from "../../src/distributions/normal.js";
import { Gamma } from "../../src/distributions/gamma.js";
import { Chi2 } from "../../src/distributions/chi2.js";
import { Cauchy } from "../../src/distributions/cauchy.js";
import { kl, lookupKl, registerKl } from "../../src/kl/registry.js";

// user subclasses (each test file runs in its own module graph, so the registry changes stay here)
class Tempered extends Normal {}
class VeryTempered extends Tempered {}
class Other extends Normal {}

describe("kl dispatch by specificity", () => {
  it("a subclass with no row of its own uses its parent's pair", () => {
    expect(kl(new Tempered(0, 1), new Normal(1, 2))).toBe(kl(new Normal(0, 1), new Normal(1, 2)));
    expect(kl(new Chi2(3), new Gamma(1.5, 0.5))).toBeCloseTo(0, 14); // Chi2(k) = Gamma(k/2, 1/2)
  });

  it("the most specific registered row wins, whatever the registration order", () => {
    registerKl(Tempered, Normal, () => 42);
    // VeryTempered matches (Normal ‖ Normal) first in the table and (Tempered ‖ Normal) later
    expect(kl(new VeryTempered(0, 1), new Normal(0, 1))).toBe(42);
    expect(kl(new Tempered(0, 1), new Normal(0, 1))).toBe(42);
    expect(kl(new Normal(0, 1), new Tempered(0, 1))).toBe(0); // (Normal ‖ Normal) still
  });

  it("an ambiguous match throws NotImplemented naming the rows and the fix", () => {
    registerKl(Normal, Other, () => 7);
    let err: unknown;
    try {
      kl(new Tempered(0, 1), new Other(0, 1)); // (Tempered ‖ Normal) and (Normal ‖ Other)
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(KullbackError);
    expect((err as KullbackError).code).toBe("NotImplemented");
    expect((err as KullbackError).message).toMatch(/ambiguous.*\(Tempered ‖ Normal\).*\(Normal ‖ Other\)/);
    expect((err as KullbackError).message).toContain("registerKl(Tempered, Other, fn)");
    // registering the exact pair resolves it (and clears the cached resolution)
    registerKl(Tempered, Other, () => 1);
    expect(kl(new Tempered(0, 1), new Other(0, 1))).toBe(1);
    expect(kl(new VeryTempered(0, 1), new Other(0, 1))).toBe(1);
  });

  it("no matching row: undefined from lookupKl, NotImplemented from kl (also when cached)", () => {
    class MyCauchy extends Cauchy {}
    expect(lookupKl(new Cauchy(0, 1), new Normal(0, 1))).toBeUndefined();
    for (let k = 0; k < 2; k++) {
      expect(lookupKl(new MyCauchy(0, 1), new Normal(0, 1))).toBeUndefined();
      expect(() => kl(new MyCauchy(0, 1), new Normal(0, 1))).toThrow(/no closed-form KL.*klMonteCarlo/);
    }
    expect(kl(new MyCauchy(0, 1), new Cauchy(0, 1))).toBe(0); // (Cauchy ‖ Cauchy)
  });
});
