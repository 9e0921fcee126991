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

print(json.dumps(out))
