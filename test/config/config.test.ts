/**
 * The one configuration call and the one status call (src/config/index.ts), and the size and
 * shape of the public entry.
 */
import { afterEach, describe, expect, it } from "vitest";
import * as lib from "../../src/index.js";
import {
  backendStatus,
  configure,
  initBackend,
  KullbackError,
  MultivariateNormal,
  Normal,
  kl,
} from "../../src/index.js";
import { kernels, setKernels } from "../../src/linalg/kernels.js";
import { kernelsFor } from "../../src/linalg/wasm.js";
import { kernelMode } from "../helpers.js";

const errorOf = (f: () => unknown): KullbackError => {
  try {
    f();
  } catch (e) {
    if (e instanceof KullbackError) return e;
    throw e;
  }
  throw new Error("did not throw");
};

// every test leaves the settings of this run's kernel mode behind
const initial = { kernels: kernels(), status: backendStatus() };
afterEach(() => {
  configure({ validate: true, threads: initial.status.threads });
  setKernels(initial.kernels);
  const b = initial.status.backend;
  if (b !== "custom") configure({ backend: b });
});

describe("configure", () => {
  it("switches the backend; backendStatus reports it", () => {
    configure({ backend: "typescript" });
    expect(backendStatus().backend).toBe("typescript");
    expect(kernelsFor(1000).name).toBe("js");
    configure({ backend: "wasm" });
    expect(backendStatus().backend).toBe("wasm");
    expect(kernelsFor(8).name).toBe("wasm");
    expect(backendStatus().wasm.loaded).toBe(true);
    configure({ backend: "auto" });
    expect(backendStatus().backend).toBe("auto");
    expect(kernelsFor(8).name).toBe("js");
    expect(kernelsFor(1000).name).toBe("wasm");
  });

  it("the same KL under every backend, to round-off", () => {
    const d = 40;
    const cov = Array.from({ length: d }, (_, i) =>
      Array.from({ length: d }, (_, j) => (i === j ? 2 : 0.3 / (1 + Math.abs(i - j)))),
    );
    const p = MultivariateNormal.fromCovariance(new Array(d).fill(0), cov);
    const q = MultivariateNormal.fromCovariance(
      new Array(d).fill(0.1),
      cov.map((r) => r.map((v) => v * 1.5)),
    );
    const values = (["typescript", "wasm", "auto"] as const).map((backend) => {
      configure({ backend });
      return kl(p, q) as number;
    });
    for (const v of values) expect(Math.abs(v - values[0])).toBeLessThan(1e-12 * values[0]);
  });

  it("validate: false skips the parameter checks; true restores them", () => {
    expect(errorOf(() => new Normal(0, -1)).code).toBe("InvalidParameter");
    configure({ validate: false });
    expect(backendStatus().validate).toBe(false);
    expect(() => new Normal(0, -1)).not.toThrow();
    configure({ validate: true });
    expect(errorOf(() => new Normal(0, -1)).argument).toBe("scale");
  });

  it("threads: a count or auto; any count gives the same bits", () => {
    configure({ threads: 1 });
    expect(backendStatus().threads).toBe(1);
    expect(backendStatus().denseThreads).toBe(1);
    configure({ threads: "auto" });
    expect(backendStatus().threads).toBe("auto");
  });

  it("refuses unknown keys and bad values, naming them, and changes nothing", () => {
    const before = backendStatus();
    const bad: unknown[] = [
      { kk: 3 },
      { backend: "gpu" },
      { backend: "wasm", threads: 0 },
      { validate: "yes" },
      { threads: 1.5, validate: false },
      null,
      "wasm",
    ];
    for (const o of bad) {
      const e = errorOf(() => configure(o as lib.Configuration));
      expect(e.code).toBe("InvalidParameter");
      expect(e.message.length).toBeGreaterThan(10);
    }
    expect(errorOf(() => configure({ kk: 3 } as lib.Configuration)).argument).toBe("options.kk");
    expect(errorOf(() => configure({ backend: "gpu" as "wasm" })).argument).toBe("backend");
    expect(errorOf(() => configure({ threads: 0 })).argument).toBe("threads");
    const after = backendStatus();
    expect({ ...after, wasm: null }).toEqual({ ...before, wasm: null });
  });
});

describe("backendStatus and initBackend", () => {
  it("report the runtime: WASM SIMD under Node 20, threads on two cores, workers supported", async () => {
    const s = await initBackend();
    expect(s.wasm).toMatchObject({ wasm: true, simd: true, loaded: true, module: "simd" });
    expect(s.workers.supported).toBe(true);
    expect(s.denseThreads).toBeGreaterThanOrEqual(1);
    expect(s.threadsError).toBeUndefined();
    expect(s.backend).toBe(kernelMode() === "wasm" ? "wasm" : kernelMode() === "ts" ? "typescript" : "auto");
  });

  it("backend is custom while other kernels are installed", () => {
    setKernels({ ...kernels(), name: "mine" });
    expect(backendStatus().backend).toBe("custom");
  });
});

describe("the public entry", () => {
  const values = Object.keys(lib);

  it("is a short list: at most 100 values", () => {
    expect(values.length).toBeLessThanOrEqual(100);
    expect(values.length).toBeGreaterThan(60);
  });

  it("holds no tuning constants, test hooks or plumbing", () => {
    const plumbing = values.filter((n) =>
      /THRESHOLD|_ORDER|_BATCH|_WORK|_ELEMENTS|TOLERANCE|ThreadsFor$|Ops$|^evaluateCase$|^checkOutput$|^registerOps$|Wasm|Kernels$|^kernels$|^gemmNT$|^float64LE$|^encodeNpyHeader$|^cancellationThreshold$|DenseThreads/.test(
        n,
      ),
    );
    expect(plumbing).toEqual([]);
  });

  it("SciPy and PyTorch array semantics live in namespaces; entropy(p) takes a distribution", () => {
    expect(Object.keys(lib.scipy).sort()).toEqual(["entropy", "jensenShannonDistance", "klDiv", "relEntr"]);
    expect(Object.keys(lib.torch)).toEqual(["klDivLoss"]);
    expect(lib.scipy.entropy([0.5, 0.5], [0.9, 0.1])).toBeCloseTo(0.5108256237659907, 14);
    expect(lib.entropy(new Normal(0, 1))).toBeCloseTo(0.5 * Math.log(2 * Math.PI * Math.E), 14);
    const e = errorOf(() => lib.entropy([0.5, 0.5] as unknown as lib.Distribution));
    expect(e.code).toBe("InvalidParameter");
    expect(e.message).toMatch(/scipy\.entropy/);
  });
});
