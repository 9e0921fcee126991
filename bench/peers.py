"""Peer timings for kullback's benchmarks: NumPy, SciPy and PyTorch on the same inputs.

Reads a JSON job on stdin: {"workload": NAME, ...params}; prints JSON {peer: seconds_per_call}.
Peers that are not installed are reported as null, never guessed.
"""
import json
import sys
import time

job = json.load(sys.stdin)
out = {}

try:
    import numpy as np
except ImportError:  # pragma: no cover
    np = None
try:
    import scipy.linalg as sla
except ImportError:
    sla = None
try:
    import torch
    torch.set_num_threads(2)
except ImportError:
    torch = None


def timeit(fn, min_time=0.3, max_reps=100000):
    fn()
    reps = 1
    while True:
        t0 = time.perf_counter()
        for _ in range(reps):
            fn()
        dt = time.perf_counter() - t0
        if dt >= min_time or reps >= max_reps:
            return dt / reps
        reps *= 2


def random_spd(rng, d):
    a = rng.standard_normal((d, d))
    return a @ a.T / d + np.eye(d)


if job["workload"] == "P1":
    d = job["d"]
    rng = np.random.default_rng(d)
    m0, m1 = rng.standard_normal(d), rng.standard_normal(d)
    S0, S1 = random_spd(rng, d), random_spd(rng, d)

    # the classic hand-rolled NumPy function (inv and det), as people write it
    def kl_mvn(m0, S0, m1, S1):
        iS1 = np.linalg.inv(S1)
        diff = m1 - m0
        tr_term = np.trace(iS1 @ S0)
        det_term = np.log(np.linalg.det(S1) / np.linalg.det(S0))
        quad_term = diff.T @ iS1 @ diff
        return 0.5 * (tr_term + det_term + quad_term - d)

    out["numpy_kl_mvn"] = timeit(lambda: kl_mvn(m0, S0, m1, S1))
    out["value"] = float(kl_mvn(m0, S0, m1, S1))
    if sla is not None:
        def kl_scipy(m0, S0, m1, S1):
            c0 = sla.cho_factor(S0, lower=True)
            c1 = sla.cho_factor(S1, lower=True)
            L0 = np.tril(c0[0])
            M = sla.solve_triangular(c1[0], L0, lower=True)
            y = sla.solve_triangular(c1[0], m1 - m0, lower=True)
            ld = 2 * (np.log(np.diag(c1[0])).sum() - np.log(np.diag(c0[0])).sum())
            return 0.5 * ((M * M).sum() + y @ y - d + ld)
        out["scipy_cholesky"] = timeit(lambda: kl_scipy(m0, S0, m1, S1))
    if torch is not None:
        from torch.distributions import MultivariateNormal, kl_divergence
        tm0, tm1 = torch.tensor(m0), torch.tensor(m1)
        tS0, tS1 = torch.tensor(S0), torch.tensor(S1)
        out["torch_kl_divergence"] = timeit(lambda: kl_divergence(MultivariateNormal(tm0, tS0), MultivariateNormal(tm1, tS1)))
    out["inputs"] = {"m0": m0.tolist(), "m1": m1.tolist(), "S0": S0.tolist(), "S1": S1.tolist()}


# ---------------------------------------------------------------------------------------------
# P2-P6: large inputs travel to JS as raw little-endian float64 files under bench/.out/
# (gitignored); the layout {name: [offset in doubles, shape]} is printed with the timings.
import os

OUT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), ".out")


def best_of(fn, runs=2, min_time=0.2):
    """Per-call time: the best of `runs` timed runs (the first one included; runs of calls shorter
    than min_time are repeated to last about min_time)."""
    best = float("inf")
    for r in range(runs):
        reps = 1 if r == 0 or best >= min_time else int(min_time / max(best, 1e-9)) + 1
        t0 = time.perf_counter()
        for _ in range(reps):
            fn()
        best = min(best, (time.perf_counter() - t0) / reps)
    return best


def _openblas():
    import ctypes
    import glob
    for path in ["libopenblas.so.0", *glob.glob("/usr/lib/*/openblas*/libblas.so.3")]:
        try:
            lib = ctypes.CDLL(path)
            lib.openblas_set_num_threads
            return lib
        except (OSError, AttributeError):
            continue
    return None


OPENBLAS = _openblas()


def set_threads(n):
    if OPENBLAS is not None:
        OPENBLAS.openblas_set_num_threads(n)
    if torch is not None:
        torch.set_num_threads(n)


def timed_threads(key, fn, runs=2, threads=(2, 1)):
    """Times fn with 2 and with 1 BLAS/torch threads (the machine is shared: a busy core makes
    multi-threaded peers spin). Stores key@2t, key@1t and, under key, the better of the two."""
    for n in threads:
        set_threads(n)
        out[f"{key}@{n}t"] = best_of(fn, runs=runs)
    set_threads(2)
    out[key] = min(out[f"{key}@{n}t"] for n in threads)


def write_inputs(name, arrays):
    os.makedirs(OUT_DIR, exist_ok=True)
    path = os.path.join(OUT_DIR, name)
    layout, off = {}, 0
    with open(path, "wb") as f:
        for key, a in arrays:
            a = np.ascontiguousarray(a, dtype="<f8")
            f.write(a.tobytes())
            layout[key] = [off, list(a.shape)]
            off += a.size
    return {"file": path, "layout": layout}


def hash_uniform(n, salt):
    """u_i in [0, 1) from the murmur3 finaliser of (i + salt·0x9E3779B9) mod 2^32: uint32
    arithmetic only, so bench/run.mjs computes the same doubles with Math.imul."""
    h = np.arange(n, dtype=np.uint32)
    with np.errstate(over="ignore"):
        h = h + np.uint32((salt * 0x9E3779B9) & 0xFFFFFFFF)
        h ^= h >> np.uint32(16)
        h = h * np.uint32(0x85EBCA6B)
        h ^= h >> np.uint32(13)
        h = h * np.uint32(0xC2B2AE35)
        h ^= h >> np.uint32(16)
    return h.astype(np.float64) / 4294967296.0


def peak_rss_mb():
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


w = job["workload"]

if w == "P2":
    B, d = job["B"], job["d"]
    n = B * d
    mp = (2 * hash_uniform(n, 1) - 1).reshape(B, d)
    lvp = (hash_uniform(n, 2) - 0.5).reshape(B, d)
    mq = (2 * hash_uniform(n, 3) - 1).reshape(B, d)
    lvq = (hash_uniform(n, 4) - 0.5).reshape(B, d)

    def kl_numpy():
        return 0.5 * np.sum(np.exp(lvp - lvq) + (mq - mp) ** 2 * np.exp(-lvq) - 1.0 + lvq - lvp, axis=1)

    v = kl_numpy()
    timed_threads("numpy_formula", kl_numpy, runs=3)
    out["value"] = {"sum": float(v.sum()), "first": v[:4].tolist(), "last": float(v[-1])}
    if torch is not None:
        from torch.distributions import Independent, Normal, kl_divergence
        tmp, tlvp, tmq, tlvq = (torch.from_numpy(a) for a in (mp, lvp, mq, lvq))

        def kl_torch():
            p = Independent(Normal(tmp, torch.exp(0.5 * tlvp)), 1)
            q = Independent(Normal(tmq, torch.exp(0.5 * tlvq)), 1)
            return kl_divergence(p, q)

        tv = kl_torch().numpy()
        timed_threads("torch_independent_normal", kl_torch, runs=3)
        out["torch_max_rel_diff"] = float(np.max(np.abs(tv - v) / np.abs(v)))

elif w == "P3":
    d = job["d"]
    rng = np.random.default_rng(1000 + d)
    m0, m1 = rng.standard_normal(d), rng.standard_normal(d)
    S0, S1 = random_spd(rng, d), random_spd(rng, d)
    out.update(write_inputs(f"p3-d{d}.f64", [("m0", m0), ("m1", m1), ("S0", S0), ("S1", S1)]))

    def kl_scipy():
        c0 = sla.cho_factor(S0, lower=True)
        c1 = sla.cho_factor(S1, lower=True)
        L0 = np.tril(c0[0])
        M = sla.solve_triangular(c1[0], L0, lower=True)
        y = sla.solve_triangular(c1[0], m1 - m0, lower=True)
        ld = 2 * (np.log(np.diag(c1[0])).sum() - np.log(np.diag(c0[0])).sum())
        return 0.5 * ((M * M).sum() + y @ y - d + ld)

    out["value"] = float(kl_scipy())
    timed_threads("scipy_cholesky", kl_scipy, runs=3)
    if torch is not None:
        from torch.distributions import MultivariateNormal, kl_divergence
        tm0, tm1, tS0, tS1 = (torch.from_numpy(a) for a in (m0, m1, S0, S1))

        def kl_torch():
            return kl_divergence(MultivariateNormal(tm0, tS0), MultivariateNormal(tm1, tS1))

        out["torch_value"] = float(kl_torch())
        timed_threads("torch_kl_divergence", kl_torch, runs=3)

elif w == "P4":
    N, M, K = job["N"], job["M"], job["K"]
    rng = np.random.default_rng(4)
    P = rng.gamma(1.0, size=(N, K)) + 1e-3
    P /= P.sum(axis=1, keepdims=True)
    Q = rng.gamma(1.0, size=(M, K)) + 1e-3
    Q /= Q.sum(axis=1, keepdims=True)
    out.update(write_inputs("p4.f64", [("P", P), ("Q", Q)]))
    rows = job.get("rowsPerBlock", 1000)
    checks = {}

    def kl_matrix_product():
        # KL_ij = Σ p log p − (P · (log Q)ᵀ)_ij, in row blocks (the full 20k × 20k float64 matrix is 3.2 GB)
        logQ_T = np.log(Q).T.copy()
        negent = np.sum(P * np.log(P), axis=1)
        total = 0.0
        for r0 in range(0, N, rows):
            D = negent[r0:r0 + rows, None] - P[r0:r0 + rows] @ logQ_T
            np.maximum(D, 0, out=D)
            total += float(D.sum())
            if r0 == 0:
                checks["head"] = D[:3, :3].tolist()
        checks["tail"] = float(D[-1, -1])
        checks["sum"] = total
        return total

    timed_threads("numpy_matrix_product", kl_matrix_product, runs=2)
    out["value"] = checks
    out["numpy_peak_rss_mb"] = peak_rss_mb()
    sub = job.get("naiveSubset", 200)

    def naive():
        D = np.empty((sub, sub))
        for i in range(sub):
            for j in range(sub):
                D[i, j] = np.sum(P[i] * np.log(P[i] / Q[j]))
        return D

    t = best_of(naive, runs=2)
    out["numpy_naive_double_loop_extrapolated"] = t * (N * M) / (sub * sub)

elif w == "P5":
    n, m, d, k = job["n"], job["m"], job["d"], job.get("k", 1)
    rng = np.random.default_rng(500 + d)
    x = rng.standard_normal((n, d))
    y = 0.5 + 1.2 * rng.standard_normal((m, d))
    out.update(write_inputs(f"p5-d{d}.f64", [("x", x), ("y", y)]))
    from scipy.spatial import cKDTree

    def wkv():
        # Wang, Kulkarni & Verdú (2009): (d/n) Σ log(ν_k / ρ_k) + log(m / (n − 1))
        rho = cKDTree(x).query(x, k=k + 1)[0][:, k]
        nu = cKDTree(y).query(x, k=k)[0]
        nu = nu if k == 1 else nu[:, k - 1]
        return d / n * np.sum(np.log(nu / rho)) + np.log(m / (n - 1))

    def wkv2():
        # the same with both query passes on two threads (cKDTree.query(workers=2))
        rho = cKDTree(x).query(x, k=k + 1, workers=2)[0][:, k]
        nu = cKDTree(y).query(x, k=k, workers=2)[0]
        nu = nu if k == 1 else nu[:, k - 1]
        return d / n * np.sum(np.log(nu / rho)) + np.log(m / (n - 1))

    out["value"] = float(wkv())
    timed_threads("scipy_ckdtree", wkv, runs=2, threads=(1,))
    timed_threads("scipy_ckdtree_workers2", wkv2, runs=2, threads=(1,))

elif w == "P6":
    d = job["d"]
    rng = np.random.default_rng(600 + d)
    A1 = rng.standard_normal((d, 2 * d))
    A2 = 0.9 * rng.standard_normal((d, 2 * d)) + 0.1 * A1
    sigma1 = A1 @ A1.T / (2 * d)
    sigma2 = A2 @ A2.T / (2 * d)
    mu1 = rng.standard_normal(d)
    mu2 = mu1 + 0.1 * rng.standard_normal(d)
    out.update(write_inputs("p6.f64", [("mu1", mu1), ("mu2", mu2), ("sigma1", sigma1), ("sigma2", sigma2)]))

    def fid_pytorch():
        # pytorch-fid's calculate_frechet_distance (without its eps retry: the product is finite here)
        diff = mu1 - mu2
        covmean, _ = sla.sqrtm(sigma1.dot(sigma2), disp=False)
        if np.iscomplexobj(covmean):
            covmean = covmean.real
        return diff.dot(diff) + np.trace(sigma1) + np.trace(sigma2) - 2 * np.trace(covmean)

    out["value"] = float(fid_pytorch())
    timed_threads("scipy_sqrtm_fid", fid_pytorch, runs=2)
    # reference for the accuracy check: tr √(Σ1^½ Σ2 Σ1^½) by two symmetric eigendecompositions
    w1, V1 = np.linalg.eigh(sigma1)
    r1 = (V1 * np.sqrt(np.clip(w1, 0, None))) @ V1.T
    ev = np.linalg.eigvalsh(r1 @ sigma2 @ r1)
    diff = mu1 - mu2
    out["reference"] = float(diff.dot(diff) + np.trace(sigma1) + np.trace(sigma2) - 2 * np.sum(np.sqrt(np.clip(ev, 0, None))))

print(json.dumps(out))
