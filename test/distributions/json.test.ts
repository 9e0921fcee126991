/**
 * The JSON reader on hostile family names and keys: names that are Object.prototype's own
 * properties are unknown families, and a "__proto__" key stays a plain key.
 */
import { describe, expect, it } from "vitest";
import { KullbackError } from "../../src/core/errors.js";
import { decodeSpecial, fromJSON } from "../../src/distributions/json.js";
import { evaluateCase } from "../../src/conformance/eval.js";

const codeOf = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    if (e instanceof KullbackError) return e.code;
    throw e;
  }
  return "no error";
};

describe("JSON reader and eval on prototype keys", () => {
  const names = ["__proto__", "constructor", "toString", "hasOwnProperty", "valueOf", "isPrototypeOf"];

  it("a family named after an Object.prototype property is NotImplemented, naming it", () => {
    for (const family of names) {
      expect(
        codeOf(() => fromJSON({ family, loc: 0, scale: 1 })),
        family,
      ).toBe("NotImplemented");
      expect(() => fromJSON(`{"family": ${JSON.stringify(family)}}`)).toThrow(
        new RegExp(`family "${family}"`),
      );
    }
  });

  it("an op named after an Object.prototype property answers NotImplemented for that line", () => {
    for (const op of names) {
      const out = evaluateCase({ id: op, op });
      expect(out.error?.code, op).toBe("NotImplemented");
    }
  });

  it('a "__proto__" key in parsed JSON stays an own key (the prototype is untouched)', () => {
    const o = decodeSpecial(JSON.parse('{"__proto__": {"polluted": 1}, "x": "Infinity"}')) as Record<
      string,
      unknown
    >;
    expect(Object.getPrototypeOf(o)).toBe(Object.prototype);
    expect(Object.prototype.hasOwnProperty.call(o, "__proto__")).toBe(true);
    expect((o as { polluted?: number }).polluted).toBeUndefined();
    expect(o.x).toBe(Infinity);
    expect(codeOf(() => fromJSON('{"__proto__": {"family": "Normal"}, "loc": 0, "scale": 1}'))).toBe(
      "InvalidParameter",
    );
  });
});
