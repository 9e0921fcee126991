#!/usr/bin/env python3
"""
Accuracy references for kullback's closed-form KL divergences (issue "Every closed form", part 7).

Writes scripts/accuracy-cases.jsonl: one FORMAT.md case per line
  {"id", "op": "kl", "p", "q", "expected", "rtol", "atol", "source"}
(plus a few "relEntr"/"klDiv" cases with "x", "y"). Every expected value is computed here with
mpmath at 50 significant digits from the exact double values of the parameters, independently of
the library:

* univariate continuous pairs: KL = -H(p) - E_p[log q] with textbook entropies and moments of p
  (mpmath's loggamma/digamma/erf), and each case is CHECKED by tanh-sinh quadrature of
  p(x) log(p(x)/q(x)) over p's support (the relative difference is recorded in `source`);
  Kumaraswamy || Beta has no elementary closed form and is computed by that quadrature directly;
* Gaussian pairs (Normal, MultivariateNormal in all three parametrisations, MultivariateNormalDiag,
  LowRankMultivariateNormal, Independent(Normal, 1)): the textbook
  1/2 [tr(Sq^-1 Sp) - d + log det Sq - log det Sp + dmu^T Sq^-1 dmu] with 50-digit mpmath matrices
  built from the given parameters (covariance, L L^T, precision^-1, W W^T + diag(D), ...);
* discrete pairs: the definition sum_k p(k) log(p(k)/q(k)) with exact masses (finite supports),
  or the textbook closed forms (Poisson, Geometric, Dirichlet, Binomial with equal n: n times the
  Bernoulli KL), checked by direct summation (mpmath nsum) where the support is infinite;
* relEntr / klDiv: x log(x/y) and x log(x/y) - x + y.

Groups (the third part of each id): "ord" ordinary parameters (rtol 1e-9), "near" near-identical
p and q with KL about 1e-10 (parameters perturbed by ~1e-5 relative; rtol 1e-8 = the issue's
">= 8 correct digits" rule), "ext" extreme scales (rtol 1e-9). atol is 0 everywhere.

Run: python3 scripts/accuracy-ref.py [out.jsonl]   (needs mpmath; about a minute)
"""
import json
import math
import os
import random
import sys

import mpmath
from mpmath import mp, mpf

mp.dps = 50
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "accuracy-cases.jsonl")
INF = mp.inf
EG = mp.euler
TAG = "mpmath %s dps 50" % mpmath.__version__

RTOL = {"ord": 1e-9, "near": 1e-8, "ext": 1e-9}


def M(x):
    """The exact value of a double (or int) as an mpf."""
    return mpf(x)


# ── distribution constructors (JSON objects of FORMAT.md) ───────────────────────────────────


def Normal(loc, scale):
    return {"family": "Normal", "loc": loc, "scale": scale}


def LogNormal(loc, scale):
    return {"family": "LogNormal", "loc": loc, "scale": scale}


def HalfNormal(scale):
    return {"family": "HalfNormal", "scale": scale}


def Laplace(loc, scale):
    return {"family": "Laplace", "loc": loc, "scale": scale}


def Cauchy(loc, scale):
    return {"family": "Cauchy", "loc": loc, "scale": scale}


def Gumbel(loc, scale):
    return {"family": "Gumbel", "loc": loc, "scale": scale}


def Uniform(low, high):
    return {"family": "Uniform", "low": low, "high": high}


def Exponential(rate):
    return {"family": "Exponential", "rate": rate}


def Gamma(concentration, rate):
    return {"family": "Gamma", "concentration": concentration, "rate": rate}


def Chi2(df):
    return {"family": "Chi2", "df": df}


def Beta(a, b):
    return {"family": "Beta", "concentration1": a, "concentration0": b}


def Pareto(scale, alpha):
    return {"family": "Pareto", "scale": scale, "alpha": alpha}


def Weibull(scale, concentration):
    return {"family": "Weibull", "scale": scale, "concentration": concentration}


def Kumaraswamy(a, b):
    return {"family": "Kumaraswamy", "concentration1": a, "concentration0": b}


def CB(probs=None, logits=None):
    d = {"family": "ContinuousBernoulli"}
    if logits is not None:
        d["logits"] = logits
    else:
        d["probs"] = probs
    return d


def Bernoulli(probs=None, logits=None):
    return {"family": "Bernoulli", **({"logits": logits} if logits is not None else {"probs": probs})}


def Binomial(n, probs=None, logits=None):
    return {
        "family": "Binomial",
        "totalCount": n,
        **({"logits": logits} if logits is not None else {"probs": probs}),
    }


def Geometric(probs):
    return {"family": "Geometric", "probs": probs}


def Poisson(rate):
    return {"family": "Poisson", "rate": rate}


def Categorical(probs=None, logits=None, onehot=False):
    fam = "OneHotCategorical" if onehot else "Categorical"
    return {"family": fam, **({"logits": logits} if logits is not None else {"probs": probs})}


def Dirichlet(conc):
    return {"family": "Dirichlet", "concentration": conc}


def MVN(loc, **kw):
    return {"family": "MultivariateNormal", "loc": loc, **kw}


def MVNDiag(loc, **kw):
    return {"family": "MultivariateNormalDiag", "loc": loc, **kw}


def LowRank(loc, W, D):
    return {"family": "LowRankMultivariateNormal", "loc": loc, "covFactor": W, "covDiag": D}


def Indep(base, n=1):
    return {"family": "Independent", "base": base, "reinterpretedBatchNdims": n}


# ── Gaussians ───────────────────────────────────────────────────────────────────────────────

GAUSS = {"Normal", "MultivariateNormal", "MultivariateNormalDiag", "LowRankMultivariateNormal"}


def is_gaussian(d):
    if d["family"] in GAUSS:
        return True
    return (
        d["family"] == "Independent"
        and d["base"]["family"] == "Normal"
        and d["reinterpretedBatchNdims"] == 1
    )


def gaussian_of(d):
    """(mean vector, covariance matrix) of a Gaussian-family JSON object, exact in mpmath."""
    f = d["family"]
    if f == "Normal":
        return mp.matrix([M(d["loc"])]), mp.matrix([[M(d["scale"]) ** 2]])
    if f == "Independent":
        b = d["base"]
        n = len(b["loc"])
        S = mp.zeros(n, n)
        for i in range(n):
            S[i, i] = M(b["scale"][i]) ** 2
        return mp.matrix([M(v) for v in b["loc"]]), S
    mu = mp.matrix([M(v) for v in d["loc"]])
    n = len(d["loc"])
    if f == "MultivariateNormal":
        if "covariance" in d:
            return mu, mp.matrix([[M(v) for v in row] for row in d["covariance"]])
        if "scaleTril" in d:
            L = mp.matrix([[M(v) for v in row] for row in d["scaleTril"]])
            return mu, L * L.T
        P = mp.matrix([[M(v) for v in row] for row in d["precision"]])
        return mu, mp.inverse(P)
    if f == "MultivariateNormalDiag":
        S = mp.zeros(n, n)
        for i in range(n):
            if "variance" in d:
                S[i, i] = M(d["variance"][i])
            elif "scale" in d:
                S[i, i] = M(d["scale"][i]) ** 2
            else:
                S[i, i] = mp.exp(M(d["logVariance"][i]))
        return mu, S
    if f == "LowRankMultivariateNormal":
        W = mp.matrix([[M(v) for v in row] for row in d["covFactor"]])
        S = W * W.T
        for i in range(n):
            S[i, i] += M(d["covDiag"][i])
        return mu, S
    raise ValueError(f)


def kl_gaussian(p, q):
    mp_, Sp = gaussian_of(p)
    mq, Sq = gaussian_of(q)
    n = Sp.rows
    # KL is invariant under x -> Dx: scale by D = diag(Sq_ii^-1/2) so that the matrices mpmath
    # inverts are O(1) even for variances like 1e-300 and 1e300 side by side
    Dg = [1 / mp.sqrt(Sq[i, i]) for i in range(n)]
    for i in range(n):
        for j in range(n):
            Sp[i, j] *= Dg[i] * Dg[j]
            Sq[i, j] *= Dg[i] * Dg[j]
    mp_ = mp.matrix([mp_[i] * Dg[i] for i in range(n)])
    mq = mp.matrix([mq[i] * Dg[i] for i in range(n)])
    Qi = mp.inverse(Sq)
    tr = sum((Qi * Sp)[i, i] for i in range(n))
    dm = mq - mp_
    maha = (dm.T * Qi * dm)[0, 0]
    return (tr - n + mp.log(mp.det(Sq)) - mp.log(mp.det(Sp)) + maha) / 2


GAUSS_SOURCE = (
    TAG + ": closed form 1/2[tr(Sq^-1 Sp) - d + log det Sq - log det Sp + dmu^T Sq^-1 dmu] "
    "(textbook), 50-digit matrices from the exact parameters"
)

# ── univariate continuous families: densities, supports, entropies, moments ─────────────────


def cb_eta(d):
    if "logits" in d:
        return M(d["logits"])
    lam = M(d["probs"])
    return mp.log(lam) - mp.log1p(-lam)


def cb_A(eta):
    """log of the normaliser of exp(eta x) on [0, 1]: log((e^eta - 1)/eta)."""
    if eta == 0:
        return mpf(0)
    return mp.log(mp.expm1(eta) / eta)


def cb_mean(eta):
    if eta == 0:
        return mpf(1) / 2
    if abs(eta) < mpf("1e-12"):
        return mpf(1) / 2 + eta / 12
    return 1 / (-mp.expm1(-eta)) - 1 / eta


def cb_var(eta):
    if abs(eta) < mpf("1e-12"):
        return mpf(1) / 12 - eta**2 / 720
    return 1 / eta**2 - mp.exp(eta) / mp.expm1(eta) ** 2


def params(d):
    """Canonical parameters (mpf) of a univariate continuous family; Chi2 becomes a Gamma."""
    f = d["family"]
    if f == "Chi2":
        return "Gamma", (M(d["df"]) / 2, mpf(1) / 2)
    if f in ("Normal", "LogNormal", "Laplace", "Cauchy", "Gumbel"):
        return f, (M(d["loc"]), M(d["scale"]))
    if f == "HalfNormal":
        return f, (M(d["scale"]),)
    if f == "Uniform":
        return f, (M(d["low"]), M(d["high"]))
    if f == "Exponential":
        return f, (M(d["rate"]),)
    if f == "Gamma":
        return f, (M(d["concentration"]), M(d["rate"]))
    if f in ("Beta", "Kumaraswamy"):
        return f, (M(d["concentration1"]), M(d["concentration0"]))
    if f == "Pareto":
        return f, (M(d["scale"]), M(d["alpha"]))
    if f == "Weibull":
        return f, (M(d["scale"]), M(d["concentration"]))
    if f == "ContinuousBernoulli":
        return f, (cb_eta(d),)
    raise ValueError(f)


def support(d):
    f, t = params(d)
    if f in ("Normal", "Laplace", "Cauchy", "Gumbel"):
        return -INF, INF
    if f in ("LogNormal", "HalfNormal", "Exponential", "Gamma", "Weibull"):
        return mpf(0), INF
    if f in ("Beta", "Kumaraswamy", "ContinuousBernoulli"):
        return mpf(0), mpf(1)
    if f == "Uniform":
        return t
    if f == "Pareto":
        return t[0], INF
    raise ValueError(f)


def logpdf(d, x):
    f, t = params(d)
    lo, hi = support(d)
    if x < lo or x > hi:
        return -INF
    if f == "Normal":
        m, s = t
        return -((x - m) / s) ** 2 / 2 - mp.log(s) - mp.log(2 * mp.pi) / 2
    if f == "LogNormal":
        m, s = t
        if x == 0:
            return -INF
        lx = mp.log(x)
        return -((lx - m) / s) ** 2 / 2 - mp.log(s) - mp.log(2 * mp.pi) / 2 - lx
    if f == "HalfNormal":
        (s,) = t
        return mp.log(2) - mp.log(2 * mp.pi) / 2 - mp.log(s) - (x / s) ** 2 / 2
    if f == "Laplace":
        m, b = t
        return -mp.log(2 * b) - abs(x - m) / b
    if f == "Cauchy":
        m, g = t
        return -mp.log(mp.pi * g) - mp.log1p(((x - m) / g) ** 2)
    if f == "Gumbel":
        m, b = t
        z = (x - m) / b
        return -mp.log(b) - z - mp.exp(-z)
    if f == "Uniform":
        return -mp.log(t[1] - t[0])
    if f == "Exponential":
        (lam,) = t
        return mp.log(lam) - lam * x
    if f == "Gamma":
        a, b = t
        if x == 0:
            return -INF if a > 1 else (INF if a < 1 else mp.log(b))
        return a * mp.log(b) - mp.loggamma(a) + (a - 1) * mp.log(x) - b * x
    if f == "Beta":
        a, b = t
        return (a - 1) * mp.log(x) + (b - 1) * mp.log1p(-x) - mp.log(mp.beta(a, b))
    if f == "Kumaraswamy":
        a, b = t
        return mp.log(a * b) + (a - 1) * mp.log(x) + (b - 1) * mp.log1p(-(x**a))
    if f == "Pareto":
        s, al = t
        return mp.log(al) + al * mp.log(s) - (al + 1) * mp.log(x)
    if f == "Weibull":
        lam, k = t
        if x == 0:
            return -INF if k > 1 else (INF if k < 1 else -mp.log(lam))
        return mp.log(k / lam) + (k - 1) * mp.log(x / lam) - (x / lam) ** k
    if f == "ContinuousBernoulli":
        (eta,) = t
        return eta * x - cb_A(eta)
    raise ValueError(f)


def logpdf_xy(d, x, y):
    """logpdf at x with y = 1 - x given exactly (densities on [0, 1] near x = 1)."""
    f, t = params(d)
    if f == "Beta":
        a, b = t
        if x <= 0 or y <= 0:
            return -INF
        return (a - 1) * mp.log(x) + (b - 1) * mp.log(y) - mp.log(mp.beta(a, b))
    if f == "Kumaraswamy":
        a, b = t
        if x <= 0 or y <= 0:
            return -INF
        lx = mp.log(x) if x < mpf("0.5") else mp.log1p(-y)
        return mp.log(a * b) + (a - 1) * lx + (b - 1) * mp.log(-mp.expm1(a * lx))
    return logpdf(d, x)


def entropy(d):
    f, t = params(d)
    if f == "Normal":
        return mp.log(2 * mp.pi * mp.e * t[1] ** 2) / 2
    if f == "LogNormal":
        return t[0] + mp.log(2 * mp.pi * mp.e * t[1] ** 2) / 2
    if f == "HalfNormal":
        return mp.log(mp.pi * mp.e * t[0] ** 2 / 2) / 2
    if f == "Laplace":
        return 1 + mp.log(2 * t[1])
    if f == "Cauchy":
        return mp.log(4 * mp.pi * t[1])
    if f == "Gumbel":
        return mp.log(t[1]) + EG + 1
    if f == "Uniform":
        return mp.log(t[1] - t[0])
    if f == "Exponential":
        return 1 - mp.log(t[0])
    if f == "Gamma":
        a, b = t
        return a - mp.log(b) + mp.loggamma(a) + (1 - a) * mp.digamma(a)
    if f == "Beta":
        a, b = t
        return (
            mp.log(mp.beta(a, b))
            - (a - 1) * mp.digamma(a)
            - (b - 1) * mp.digamma(b)
            + (a + b - 2) * mp.digamma(a + b)
        )
    if f == "Pareto":
        s, al = t
        return mp.log(s / al) + 1 + 1 / al
    if f == "Weibull":
        lam, k = t
        return EG * (1 - 1 / k) + mp.log(lam / k) + 1
    if f == "ContinuousBernoulli":
        (eta,) = t
        return cb_A(eta) - eta * cb_mean(eta)
    raise ValueError(f)


def E(d, key, *arg):
    """Textbook expectations under p: mean, var, logx, varlogx, log1mx, x2, absdev(m),
    expneg(beta) = E e^{-x/beta}, pow(k) = E x^k, cauchylog(m, g) = E log(g^2 + (x - m)^2)."""
    f, t = params(d)
    if f == "Normal":
        m, s = t
        if key == "mean":
            return m
        if key == "var":
            return s * s
        if key == "absdev":
            dl = m - arg[0]
            return s * mp.sqrt(2 / mp.pi) * mp.exp(-(dl**2) / (2 * s * s)) + dl * mp.erf(dl / (s * mp.sqrt(2)))
        if key == "expneg":
            b = arg[0]
            return mp.exp(-m / b + s * s / (2 * b * b))
    if f == "LogNormal":
        m, s = t
        if key == "logx":
            return m
        if key == "varlogx":
            return s * s
    if f == "HalfNormal":
        if key == "x2":
            return t[0] ** 2
    if f == "Laplace":
        m, b = t
        if key == "mean":
            return m
        if key == "var":
            return 2 * b * b
        if key == "absdev":
            dl = abs(m - arg[0])
            return dl + b * mp.exp(-dl / b)
    if f == "Cauchy":
        m, g = t
        if key == "cauchylog":
            mq, gq = arg
            return mp.log((g + gq) ** 2 + (m - mq) ** 2)
    if f == "Gumbel":
        m, b = t
        if key == "mean":
            return m + EG * b
        if key == "var":
            return mp.pi**2 * b * b / 6
        if key == "expneg":
            s = arg[0]
            return mp.exp(-m / s) * mp.gamma(1 + b / s)
    if f == "Uniform":
        l, h = t
        if key == "mean":
            return (l + h) / 2
        if key == "var":
            return (h - l) ** 2 / 12
        if key == "logx":
            if l == 0:
                return mp.log(h) - 1
            return (h * mp.log(h) - l * mp.log(l)) / (h - l) - 1
        if key == "log1mx":
            a, b = 1 - h, 1 - l
            if a == 0:
                return mp.log(b) - 1
            return (b * mp.log(b) - a * mp.log(a)) / (b - a) - 1
        if key == "expneg":
            s = arg[0]
            return s * (mp.exp(-l / s) - mp.exp(-h / s)) / (h - l)
    if f == "Exponential":
        (lam,) = t
        if key == "mean":
            return 1 / lam
        if key == "var":
            return 1 / lam**2
        if key == "logx":
            return -EG - mp.log(lam)
        if key == "expneg":
            return lam / (lam + 1 / arg[0])
    if f == "Gamma":
        a, b = t
        if key == "mean":
            return a / b
        if key == "var":
            return a / b**2
        if key == "logx":
            return mp.digamma(a) - mp.log(b)
        if key == "expneg":
            return (1 + 1 / (b * arg[0])) ** (-a)
    if f == "Beta":
        a, b = t
        if key == "mean":
            return a / (a + b)
        if key == "var":
            return a * b / ((a + b) ** 2 * (a + b + 1))
        if key == "logx":
            return mp.digamma(a) - mp.digamma(a + b)
        if key == "log1mx":
            return mp.digamma(b) - mp.digamma(a + b)
    if f == "Pareto":
        s, al = t
        if key == "mean":
            return al * s / (al - 1) if al > 1 else INF
        if key == "var":
            return s * s * al / ((al - 1) ** 2 * (al - 2)) if al > 2 else INF
        if key == "logx":
            return mp.log(s) + 1 / al
    if f == "Weibull":
        lam, k = t
        if key == "mean":
            return lam * mp.gamma(1 + 1 / k)
        if key == "logx":
            return mp.log(lam) - EG / k
        if key == "pow":
            return lam ** arg[0] * mp.gamma(1 + arg[0] / k)
    if f == "ContinuousBernoulli":
        (eta,) = t
        if key == "mean":
            return cb_mean(eta)
        if key == "var":
            return cb_var(eta)
    raise KeyError((f, key))


def cross_entropy(p, q):
    """-E_p[log q(x)] from q's log density and p's moments (textbook)."""
    f, t = params(q)
    if f == "Normal":
        m, s = t
        return mp.log(2 * mp.pi * s * s) / 2 + (E(p, "var") + (E(p, "mean") - m) ** 2) / (2 * s * s)
    if f == "LogNormal":
        m, s = t
        return (
            E(p, "logx")
            + mp.log(2 * mp.pi * s * s) / 2
            + (E(p, "varlogx") + (E(p, "logx") - m) ** 2) / (2 * s * s)
        )
    if f == "HalfNormal":
        (s,) = t
        return -mp.log(2) + mp.log(2 * mp.pi * s * s) / 2 + E(p, "x2") / (2 * s * s)
    if f == "Laplace":
        m, b = t
        return mp.log(2 * b) + E(p, "absdev", m) / b
    if f == "Cauchy":
        m, g = t
        return mp.log(mp.pi) - mp.log(g) + E(p, "cauchylog", m, g)
    if f == "Gumbel":
        m, b = t
        return mp.log(b) + (E(p, "mean") - m) / b + mp.exp(m / b) * E(p, "expneg", b)
    if f == "Uniform":
        return mp.log(t[1] - t[0])
    if f == "Exponential":
        (lam,) = t
        return -mp.log(lam) + lam * E(p, "mean")
    if f == "Gamma":
        a, b = t
        return -a * mp.log(b) + mp.loggamma(a) - (a - 1) * E(p, "logx") + b * E(p, "mean")
    if f == "Beta":
        a, b = t
        tl = 0 if a == 1 else (a - 1) * E(p, "logx")
        t0 = 0 if b == 1 else (b - 1) * E(p, "log1mx")
        return mp.log(mp.beta(a, b)) - tl - t0
    if f == "Pareto":
        s, al = t
        return -mp.log(al) - al * mp.log(s) + (al + 1) * E(p, "logx")
    if f == "Weibull":
        lam, k = t
        return -mp.log(k / lam) - (k - 1) * (E(p, "logx") - mp.log(lam)) + E(p, "pow", k) / lam**k
    if f == "ContinuousBernoulli":
        (eta,) = t
        return -eta * E(p, "mean") + cb_A(eta)
    raise ValueError(f)


def contained(p, q):
    lp, hp = support(p)
    lq, hq = support(q)
    return lp >= lq and hp <= hq


def breakpoints(d):
    """Integration breakpoints covering all but a negligible part of d's mass."""
    f, t = params(d)
    lo, hi = support(d)
    ks = [-60, -20, -8, -3, -1, 0, 1, 3, 8, 20, 60]
    if f == "Normal":
        pts = [t[0] + k * t[1] for k in ks]
    elif f == "LogNormal":
        pts = [mp.exp(t[0] + k * t[1]) for k in ks]
    elif f == "HalfNormal":
        pts = [0] + [k * t[0] for k in (1, 3, 8, 20, 60)]
    elif f == "Laplace":
        pts = [t[0] + k * t[1] for k in (-800, -200, -50, -10, -2, 0, 2, 10, 50, 200, 800)]
    elif f == "Cauchy":
        pts = [-INF] + [t[0] + k * t[1] for k in (-1e4, -100, -10, -1, 0, 1, 10, 100, 1e4)] + [INF]
    elif f == "Gumbel":
        pts = [t[0] + k * t[1] for k in (-7, -3, -1, 0, 1, 3, 10, 30, 100, 800)]
    elif f in ("Uniform", "Beta", "Kumaraswamy", "ContinuousBernoulli"):
        pts = [lo, hi, (lo + hi) / 2]
        if f == "Beta":
            a, b = t
            m = a / (a + b)
            sd = mp.sqrt(a * b / ((a + b) ** 2 * (a + b + 1)))
            pts += [m + k * sd for k in ks]
            pts += [mpf(10) ** -k for k in (1, 3, 6)] + [1 - mpf(10) ** -k for k in (1, 3, 6)]
    elif f == "Exponential":
        pts = [0] + [k / t[0] for k in (1, 3, 10, 30, 100, 300, 850)]
    elif f == "Gamma":
        a, b = t
        m, sd = a / b, mp.sqrt(a) / b
        pts = [0] + [m + k * sd for k in ks] + [c / b for c in (1e-6, 1e-3, 0.1, 1, 10, 100, 900)]
        pts.append(max(m + 60 * sd, (900 + max(a, 1) * 10) / b))
    elif f == "Pareto":
        s = t[0]
        pts = [s * k for k in (1, 1.5, 2, 10, 100, 1e4, 1e8)] + [INF]
    elif f == "Weibull":
        lam, k = t
        pts = [0] + [lam * c for c in (1e-6, 1e-3, 0.1, 0.5, 1, 2)]
        pts += [lam * (1 + c / k) for c in (-3, -1, 1, 3)]
        pts.append(lam * mpf(900) ** (1 / k))
    else:
        raise ValueError(f)
    return pts


def extra_digits(d):
    """Digits lost by writing points as loc + k scale (quadrature works with more precision)."""
    f, t = params(d)
    if f in ("Normal", "LogNormal", "Laplace", "Cauchy", "Gumbel"):
        return int(mp.log10(1 + abs(t[0]) / t[1]))
    if f == "Uniform":
        return int(mp.log10(1 + abs(t[0]) / (t[1] - t[0])))
    return 0


def kl_quad(p, q):
    """tanh-sinh quadrature of p log(p/q) over p's support (piecewise, breakpoints above)."""
    extra = max(extra_digits(p), extra_digits(q))
    with mp.workdps(mp.dps + extra):
        v, err = kl_quad_work(p, q)
    return +v, err


def kl_quad_work(p, q):
    lo, hi = support(p)
    if p["family"] == "Pareto":
        # u = (scale/x)^alpha is uniform on (0, 1] under p: x = scale u^(-1/alpha)
        s0, al = params(p)[1]

        def hp(u):
            x = s0 * u ** (-1 / al)
            return logpdf(p, x) - logpdf(q, x)

        return mp.quad(hp, [0, mpf(10) ** -6, mpf(1) / 1000, mpf(1) / 2, 1], error=True, maxdegree=10)
    if p["family"] == "Cauchy":
        # x = loc + scale tan(th): p(x) dx = dth / pi on (-pi/2, pi/2), a finite interval
        m, g0 = params(p)[1]

        def h(th):
            x = m + g0 * mp.tan(th)
            return (logpdf(p, x) - logpdf(q, x)) / mp.pi

        ths = [-mp.pi / 2, -mp.pi / 4, 0, mp.pi / 4, mp.pi / 2]
        return mp.quad(h, ths, error=True, maxdegree=10)
    pts = [x for x in breakpoints(p)] + [x for x in extra_points(q)]
    pts = sorted(set(mpf(x) if not isinstance(x, mpf) else x for x in pts))
    pts = [x for x in pts if lo <= x <= hi]
    if lo > -INF and pts[0] != lo:
        pts = [lo] + pts

    def g(x):
        lp = logpdf(p, x)
        if lp == -INF:
            return mpf(0)
        lq = logpdf(q, x)
        return mp.exp(lp) * (lp - lq)

    fam = params(p)[0]
    if fam in ("Gamma", "Weibull", "Exponential", "HalfNormal") and lo == 0:
        # x = e^t: the power singularity at 0 becomes an exponentially decaying tail
        ts = [-INF] + [mp.log(x) for x in pts if x > 0 and x < INF]
        if hi == INF and pts[-1] == INF:
            ts.append(INF)
        return mp.quad(lambda t: g(mp.exp(t)) * mp.exp(t), ts, error=True, maxdegree=10)
    if fam in ("Beta", "Kumaraswamy"):
        # u = x^a on [0, 1/2] and v = (1 - x)^b on [1/2, 1]: p is smooth in u and v even for
        # concentrations like 1e-3 (x^(a-1) singularities); 1 - x is carried exactly as y
        a, b = params(p)[1]
        half = mpf(1) / 2

        def g2(x, y):
            lp = logpdf_xy(p, x, y)
            if lp == -INF:
                return mpf(0), mpf(0)
            return mp.exp(lp), lp - logpdf_xy(q, x, y)

        def left(u):
            x = u ** (1 / a)
            w, dl = g2(x, 1 - x)
            return w * dl * u ** (1 / a - 1) / a

        def right(v):
            y = v ** (1 / b)
            w, dl = g2(1 - y, y)
            return w * dl * v ** (1 / b - 1) / b

        xl = sorted(set([mpf(0), half] + [x for x in pts if 0 < x < half]))
        xr = sorted(set([half, mpf(1)] + [x for x in pts if half < x < 1]))
        if a < 1:
            v1, e1 = mp.quad(left, [x**a for x in xl], error=True, maxdegree=10)
        else:
            v1, e1 = mp.quad(lambda x: mp.fprod(g2(x, 1 - x)), xl, error=True, maxdegree=10)
        if b < 1:
            v2, e2 = mp.quad(right, sorted((1 - x) ** b for x in xr), error=True, maxdegree=10)
        else:
            v2, e2 = mp.quad(lambda x: mp.fprod(g2(x, 1 - x)), xr, error=True, maxdegree=10)
        return v1 + v2, e1 + e2
    val, err = mp.quad(g, pts, error=True, maxdegree=10)
    return val, err


def extra_points(q):
    f, t = params(q)
    if f == "Laplace":
        return [t[0]]
    if f == "Uniform":
        return list(t)
    return []


def kl_continuous(p, q):
    """(value, source) for a univariate continuous pair."""
    if not contained(p, q):
        return INF, TAG + ": +Infinity (p's support is not inside q's)"
    if p == q:
        return mpf(0), TAG + ": 0 (p = q)"
    fp = params(p)[0]
    if fp == "Kumaraswamy":
        v, err = kl_quad(p, q)
        return v, TAG + ": tanh-sinh quadrature of p log(p/q) (no elementary closed form), error estimate %.0e" % err
    v = -entropy(p) + cross_entropy(p, q)
    src = TAG + ": closed form KL = -H(p) - E_p[log q] (textbook entropy and moments of p)"
    if v == INF:
        return v, src + " = +Infinity (a moment of p diverges)"
    if fp == "LogNormal" and q["family"] == "LogNormal":
        # KL is invariant under x -> log x: integrate the underlying normals (the breakpoints
        # exp(loc + k scale) are not distinguishable at 50 digits for scale 1e-100)
        qv, err = kl_quad(Normal(p["loc"], p["scale"]), Normal(q["loc"], q["scale"]))
    else:
        qv, err = kl_quad(p, q)
    rd = abs(qv - v) / abs(v)
    if rd > mpf("1e-12"):
        raise AssertionError("quadrature check failed for %s || %s: closed %s quad %s (err %s)" % (p, q, v, qv, err))
    return v, src + "; check: tanh-sinh quadrature of p log(p/q), rel diff %.0e" % rd


# ── discrete families ───────────────────────────────────────────────────────────────────────


def sigmoid(l):
    return 1 / (1 + mp.exp(-l))


def binary_p(d):
    return sigmoid(M(d["logits"])) if "logits" in d else M(d["probs"])


def log_mass(d, k):
    """log P(X = k) exactly (mpmath) for Bernoulli/Binomial/Geometric/Poisson."""
    f = d["family"]
    if f == "Bernoulli" or f == "Binomial":
        n = 1 if f == "Bernoulli" else int(d["totalCount"])
        if k < 0 or k > n:
            return -INF
        p = binary_p(d)
        lp = mp.log(p) if p > 0 else -INF
        lq = mp.log1p(-p) if p < 1 else -INF
        t1 = 0 if k == 0 else k * lp
        t0 = 0 if k == n else (n - k) * lq
        return mp.log(mp.binomial(n, k)) + t1 + t0
    if f == "Geometric":
        p = M(d["probs"])
        if k < 0:
            return -INF
        return mp.log(p) + (0 if k == 0 else k * mp.log1p(-p))
    if f == "Poisson":
        lam = M(d["rate"])
        if k < 0:
            return -INF
        if lam == 0:
            return mpf(0) if k == 0 else -INF
        return k * mp.log(lam) - lam - mp.loggamma(k + 1)
    raise ValueError(f)


def support_max(d):
    f = d["family"]
    if f == "Bernoulli":
        return 1
    if f == "Binomial":
        return int(d["totalCount"])
    if f == "Poisson" and d["rate"] == 0:
        return 0
    if f == "Geometric" and d["probs"] == 1:
        return 0
    return None


def kl_integer_sum(p, q):
    n = support_max(p)
    s = mpf(0)
    for k in range(n + 1):
        lp = log_mass(p, k)
        if lp == -INF:
            continue
        lq = log_mass(q, k)
        if lq == -INF:
            return INF
        s += mp.exp(lp) * (lp - lq)
    return s


def cat_probs(d):
    if "logits" in d:
        ls = [M(v) for v in d["logits"]]
        m = max(ls)
        z = sum(mp.exp(v - m) for v in ls)
        return [mp.exp(v - m) / z for v in ls]
    ps = [M(v) for v in d["probs"]]
    s = sum(ps)
    return [v / s for v in ps]


def kl_dirichlet(p, q):
    a = [M(v) for v in p["concentration"]]
    b = [M(v) for v in q["concentration"]]
    a0, b0 = sum(a), sum(b)
    v = mp.loggamma(a0) - mp.loggamma(b0)
    for ai, bi in zip(a, b):
        v += -mp.loggamma(ai) + mp.loggamma(bi) + (ai - bi) * (mp.digamma(ai) - mp.digamma(a0))
    return v


def kl_discrete(p, q):
    pf, qf = p["family"], q["family"]
    if pf in ("Categorical", "OneHotCategorical"):
        a, b = cat_probs(p), cat_probs(q)
        s = mpf(0)
        for x, y in zip(a, b):
            if x > 0:
                s += x * mp.log(x / y) if y > 0 else INF
        return s, TAG + ": definition sum_k p_k log(p_k/q_k) (probs normalised exactly / softmax of logits)"
    if pf == "Dirichlet":
        v = kl_dirichlet(p, q)
        src = TAG + ": closed form log G(a0) - log G(b0) - sum[log G(a_i) - log G(b_i)] + sum (a_i - b_i)(psi(a_i) - psi(a0)) (textbook)"
        if len(p["concentration"]) == 2:
            bp = Beta(p["concentration"][0], p["concentration"][1])
            bq = Beta(q["concentration"][0], q["concentration"][1])
            qv, _ = kl_quad(bp, bq)
            rd = abs(qv - v) / abs(v)
            assert rd < mpf("1e-12"), (p, q, v, qv)
            src += "; check (K = 2, the Beta law of x1): tanh-sinh quadrature, rel diff %.0e" % rd
        return v, src
    if pf == "Poisson" and qf == "Poisson":
        l, m = M(p["rate"]), M(q["rate"])
        v = (l * mp.log(l / m) if l > 0 else 0) - l + m
        src = TAG + ": closed form l log(l/m) - l + m (textbook)"
        if l <= 1000 and l > 0:
            s = mp.nsum(lambda k: mp.exp(log_mass(p, int(k))) * (log_mass(p, int(k)) - log_mass(q, int(k))), [0, INF])
            rd = abs(s - v) / v
            assert rd < mpf("1e-12"), (p, q, v, s)
            src += "; check: direct summation (nsum), rel diff %.0e" % rd
        return v, src
    if pf == "Geometric" and qf == "Geometric":
        a, b = M(p["probs"]), M(q["probs"])
        v = mp.log(a / b) + (1 - a) / a * mp.log((1 - a) / (1 - b))
        src = TAG + ": closed form log(p/q) + ((1 - p)/p) log((1 - p)/(1 - q)) (textbook)"
        if a >= mpf("1e-4"):
            s = mp.nsum(lambda k: mp.exp(log_mass(p, int(k))) * (log_mass(p, int(k)) - log_mass(q, int(k))), [0, INF])
            rd = abs(s - v) / v
            assert rd < mpf("1e-12"), (p, q, v, s)
            src += "; check: direct summation (nsum), rel diff %.0e" % rd
        return v, src
    if pf == "Binomial" and qf == "Binomial" and p["totalCount"] == q["totalCount"] and p["totalCount"] > 2000:
        a, b = binary_p(p), binary_p(q)
        n = M(p["totalCount"])
        v = n * (a * mp.log(a / b) + (1 - a) * mp.log((1 - a) / (1 - b)))
        return v, TAG + ": n KL(Bernoulli(p) || Bernoulli(q)) (textbook identity, n too large to sum)"
    if support_max(p) is None:
        # p with infinite support against a finite-support q
        return INF, TAG + ": +Infinity (p's support is not inside q's)"
    v = kl_integer_sum(p, q)
    return v, TAG + ": definition sum_k p(k) log(p(k)/q(k)) over p's finite support, exact masses"


# ── dispatch ────────────────────────────────────────────────────────────────────────────────

DISCRETE = {"Bernoulli", "Binomial", "Geometric", "Poisson", "Categorical", "OneHotCategorical", "Dirichlet"}


def reference(p, q):
    if is_gaussian(p) and is_gaussian(q):
        return kl_gaussian(p, q), GAUSS_SOURCE
    if p["family"] == "Independent" and q["family"] == "Independent":
        bp, bq = p["base"], q["base"]
        keys = [k for k in bp if k != "family"]
        n = len(bp[keys[0]])
        total = mpf(0)
        src = None
        for i in range(n):
            ep = {"family": bp["family"], **{k: bp[k][i] for k in keys}}
            eq = {"family": bq["family"], **{k: bq[k][i] for k in keys}}
            v, src = reference(ep, eq)
            total += v
        return total, "sum over the reinterpreted axis of: " + src
    if p["family"] in DISCRETE:
        return kl_discrete(p, q)
    return kl_continuous(p, q)


# ── cases ───────────────────────────────────────────────────────────────────────────────────

cases = []
counters = {}


def fmt(v):
    if v == INF:
        return "Infinity"
    return float(v)


def short(fam):
    return fam


def add(group, p, q, pair=None):
    pf = p["family"] if p["family"] != "Independent" else "Independent"
    qf = q["family"]
    key = "%s-%s-%s" % (pf, qf, group)
    counters[key] = counters.get(key, 0) + 1
    cid = "acc-%s-%02d" % (key, counters[key])
    v, src = reference(p, q)
    if group == "near":
        assert mpf("1e-13") < v < mpf("1e-7"), ("near case is not near", cid, v)
    if v != INF:
        assert v > 0, (cid, v)
        fv = float(v)
        assert fv != 0 and math.isfinite(fv), (cid, v)
    cases.append(
        {"id": cid, "op": "kl", "p": p, "q": q, "expected": fmt(v), "rtol": RTOL[group], "atol": 0, "source": src}
    )


def add_elementwise(op, group, xs, ys):
    key = "%s-%s" % (op, group)
    counters[key] = counters.get(key, 0) + 1
    cid = "acc-%s-%02d" % (key, counters[key])
    out = []
    for x, y in zip(xs, ys):
        X, Y = M(x), M(y)
        r = X * mp.log(X / Y)
        if op == "klDiv":
            r = r - X + Y
        out.append(float(r))
    form = "x log(x/y)" if op == "relEntr" else "x log(x/y) - x + y"
    cases.append(
        {
            "id": cid,
            "op": op,
            "x": xs,
            "y": ys,
            "expected": out,
            "rtol": RTOL[group],
            "atol": 0,
            "source": TAG + ": definition " + form + " from the exact doubles",
        }
    )


rng = random.Random(20240607)


def r(lo, hi, digits=6):
    """A random number in [lo, hi) with `digits` significant digits."""
    return float("%.*g" % (digits, rng.uniform(lo, hi)))


def lr(lo, hi):
    """Log-uniform in [lo, hi)."""
    return float("%.6g" % math.exp(rng.uniform(math.log(lo), math.log(hi))))


def pert(x, eps=1e-5):
    """x perturbed by about eps relative (a different double)."""
    return x * (1 + eps)


def spd(n, scale=1.0, cond=10.0):
    """A symmetric positive definite n x n matrix of doubles (exactly symmetric)."""
    A = [[rng.gauss(0, 1) for _ in range(n)] for _ in range(n)]
    S = [[0.0] * n for _ in range(n)]
    for i in range(n):
        for j in range(i + 1):
            v = sum(A[i][k] * A[j][k] for k in range(n)) / n
            if i == j:
                v += 1.0 / cond * n
            v = float("%.8g" % (v * scale))
            S[i][j] = S[j][i] = v
    return S


def tril(n, scale=1.0):
    L = [[0.0] * n for _ in range(n)]
    for i in range(n):
        for j in range(i):
            L[i][j] = r(-0.5, 0.5) * scale
        L[i][i] = r(0.5, 2.0) * scale
    return L


def vec(n, lo=-2, hi=2):
    return [r(lo, hi) for _ in range(n)]


def sym_perturb(S, eps=1e-5):
    n = len(S)
    T = [row[:] for row in S]
    for i in range(n):
        for j in range(i + 1):
            v = S[i][j] * (1 + eps * rng.uniform(-1, 1)) if S[i][j] != 0 else 0.0
            T[i][j] = T[j][i] = v
    return T


def inv_matrix(S):
    """A double precision matrix close to S^-1 (any SPD matrix will do as a precision)."""
    Mi = mp.inverse(mp.matrix(S))
    n = len(S)
    P = [[0.0] * n for _ in range(n)]
    for i in range(n):
        for j in range(i + 1):
            P[i][j] = P[j][i] = float("%.10g" % float(Mi[i, j]))
    return P


def build():
    # ── Gaussian families ──────────────────────────────────────────────────────────────────
    # Normal ‖ Normal
    for _ in range(3):
        add("ord", Normal(r(-3, 3), lr(0.1, 10)), Normal(r(-3, 3), lr(0.1, 10)))
    add("near", Normal(0.3, 1.7), Normal(0.3 + 2.4e-5, 1.7))
    add("near", Normal(-1.25, 0.8), Normal(-1.25, pert(0.8, 1e-5)))
    add("near", Normal(2.0, 3.0), Normal(pert(2.0, 4e-6), pert(3.0, -6e-6)))
    add("ext", Normal(0.0, 1e-200), Normal(3e-200, 2e-200))
    add("ext", Normal(1e150, 1e200), Normal(-1e150, 4e199))
    add("ext", Normal(1e8, 1.0), Normal(1e8 + 1.0, 1.0))
    add("ext", Normal(0.0, 1e-6), Normal(0.0, 1e6))

    d = 3
    # MultivariateNormal ‖ MultivariateNormal in each parametrisation
    S1, S2 = spd(d), spd(d)
    add("ord", MVN(vec(d), covariance=S1), MVN(vec(d), covariance=S2))
    add("ord", MVN(vec(d), scaleTril=tril(d)), MVN(vec(d), scaleTril=tril(d)))
    add("ord", MVN(vec(d), precision=inv_matrix(spd(d))), MVN(vec(d), covariance=spd(d)))
    S = spd(4)
    mu = vec(4)
    add("near", MVN(mu, covariance=S), MVN(mu, covariance=sym_perturb(S)))
    mu2 = [m + 1.3e-5 for m in mu]
    add("near", MVN(mu, covariance=S), MVN(mu2, covariance=S))
    L = tril(3)
    L2 = [[v * (1 + 1e-5 * rng.uniform(-1, 1)) for v in row] for row in L]
    add("near", MVN([0.5, -0.5, 1.0], scaleTril=L), MVN([0.5, -0.5, 1.0], scaleTril=L2))
    add("ext", MVN(vec(5), covariance=spd(5, scale=1e-120)), MVN(vec(5), covariance=spd(5, scale=1e-120)))
    add("ext", MVN([1e100, -1e100], covariance=[[1e200, 3e199], [3e199, 2e200]]),
        MVN([1.1e100, -0.9e100], covariance=[[2e200, -1e199], [-1e199, 1e200]]))
    add("ext", MVN(vec(20), covariance=spd(20)), MVN(vec(20), covariance=spd(20)))

    # MultivariateNormalDiag
    add("ord", MVNDiag(vec(4), scale=[lr(0.2, 5) for _ in range(4)]), MVNDiag(vec(4), variance=[lr(0.2, 5) for _ in range(4)]))
    add("ord", MVNDiag(vec(3), logVariance=vec(3)), MVNDiag(vec(3), scale=[lr(0.2, 5) for _ in range(3)]))
    sc = [0.5, 1.5, 2.5]
    add("near", MVNDiag([0.0, 1.0, 2.0], scale=sc), MVNDiag([0.0, 1.0, 2.0], scale=[pert(s, e) for s, e in zip(sc, (1e-5, -5e-6, 3e-6))]))
    add("near", MVNDiag([0.0, 1.0, 2.0], logVariance=[0.1, -0.2, 0.3]), MVNDiag([1e-5, 1.0, 2.0], logVariance=[0.1, -0.2, 0.3 + 1e-5]))
    add("ext", MVNDiag([0.0, 0.0, 0.0], variance=[1e-300, 1e300, 1.0]), MVNDiag([1e-151, 1e149, 0.5], variance=[3e-300, 2e300, 4.0]))
    add("ext", MVNDiag([0.0, 0.0], logVariance=[-700.0, 700.0]), MVNDiag([0.0, 0.0], logVariance=[-690.0, 710.0]))

    # LowRankMultivariateNormal
    def lowrank(dd, rr, dscale=1.0):
        return LowRank(vec(dd), [[r(-1, 1) for _ in range(rr)] for _ in range(dd)], [lr(0.2, 2) * dscale for _ in range(dd)])

    add("ord", lowrank(4, 2), lowrank(4, 2))
    add("ord", lowrank(5, 1), lowrank(5, 3))
    W = [[0.8, -0.2], [0.1, 0.5], [-0.4, 0.3], [0.6, 0.9]]
    D = [0.7, 1.1, 0.4, 0.9]
    m4 = [0.1, 0.2, -0.3, 0.4]
    W2 = [[w * (1 + 1e-5 * rng.uniform(-1, 1)) for w in row] for row in W]
    D2 = [pert(v, 1e-5 * rng.uniform(-1, 1)) for v in D]
    add("near", LowRank(m4, W, D), LowRank(m4, W2, D2))
    add("near", LowRank(m4, W, D), LowRank([v + 1e-5 for v in m4], W, D))
    add("ext", LowRank([0.0] * 4, [[w * 1e-100 for w in row] for row in W], [v * 1e-200 for v in D]),
        LowRank([1e-100] * 4, [[w * 2e-100 for w in row] for row in W2], [v * 3e-200 for v in D]))
    add("ext", LowRank([0.0] * 4, [[w * 1e-4 for w in row] for row in W], [v * 1e-8 for v in D]),
        LowRank([0.0] * 4, [[w * 1e-4 for w in row] for row in W2], [v * 1.5e-8 for v in D]))

    # cross Gaussian pairs (every registered row)
    Sf = spd(4)
    Sf2 = sym_perturb(Sf)
    diagS = [Sf[i][i] for i in range(4)]
    lr_cov = [[sum(W[i][k] * W[j][k] for k in range(2)) + (D[i] if i == j else 0) for j in range(4)] for i in range(4)]
    lr_cov = [[float(v) for v in row] for row in lr_cov]
    lr_cov2 = sym_perturb(lr_cov)
    sc4 = [math.sqrt(v) for v in diagS]
    ind = lambda loc, scale: Indep(Normal(loc, scale))  # noqa: E731
    forms = {
        "MultivariateNormal": lambda rnd: MVN(vec(4), covariance=spd(4)),
        "MultivariateNormalDiag": lambda rnd: MVNDiag(vec(4), scale=[lr(0.3, 3) for _ in range(4)]),
        "LowRankMultivariateNormal": lambda rnd: lowrank(4, 2),
        "Independent": lambda rnd: ind(vec(4), [lr(0.3, 3) for _ in range(4)]),
    }
    # near versions: p and q describe (almost) the same Gaussian in the two families
    near_forms = {
        ("MultivariateNormal", "MultivariateNormalDiag"): (
            MVN(m4, covariance=[[diagS[i] if i == j else 0.0 for j in range(4)] for i in range(4)]),
            MVNDiag(m4, variance=[pert(v, 1e-5 * (-1) ** i) for i, v in enumerate(diagS)]),
        ),
        ("MultivariateNormal", "LowRankMultivariateNormal"): (MVN(m4, covariance=lr_cov2), LowRank(m4, W, D)),
        ("MultivariateNormal", "Independent"): (
            MVN(m4, covariance=[[sc4[i] ** 2 if i == j else 0.0 for j in range(4)] for i in range(4)]),
            ind(m4, [pert(v, 1e-5 * (-1) ** i) for i, v in enumerate(sc4)]),
        ),
        ("MultivariateNormalDiag", "MultivariateNormal"): (
            MVNDiag(m4, variance=diagS),
            MVN(m4, covariance=[[pert(diagS[i], 1e-5) if i == j else 0.0 for j in range(4)] for i in range(4)]),
        ),
        ("MultivariateNormalDiag", "LowRankMultivariateNormal"): (
            MVNDiag(m4, variance=D),
            LowRank(m4, [[3e-3, 0.0], [0.0, 5e-3], [0.0, 0.0], [2e-3, 0.0]], D),
        ),
        ("MultivariateNormalDiag", "Independent"): (MVNDiag(m4, scale=sc4), ind([v + 1e-5 for v in m4], sc4)),
        ("LowRankMultivariateNormal", "MultivariateNormal"): (LowRank(m4, W, D), MVN(m4, covariance=lr_cov2)),
        ("LowRankMultivariateNormal", "MultivariateNormalDiag"): (
            LowRank(m4, [[3e-3, 0.0], [0.0, -5e-3], [0.0, 2e-3], [0.0, 0.0]], D),
            MVNDiag(m4, variance=D),
        ),
        ("LowRankMultivariateNormal", "Independent"): (
            LowRank(m4, [[0.0], [4e-3], [0.0], [3e-3]], D),
            ind(m4, [math.sqrt(v) for v in D]),
        ),
        ("Independent", "MultivariateNormal"): (
            ind(m4, sc4),
            MVN([v + 1e-5 for v in m4], covariance=[[sc4[i] ** 2 if i == j else 0.0 for j in range(4)] for i in range(4)]),
        ),
        ("Independent", "MultivariateNormalDiag"): (ind(m4, sc4), MVNDiag(m4, scale=[pert(v, 1e-5) for v in sc4])),
        ("Independent", "LowRankMultivariateNormal"): (
            ind(m4, [math.sqrt(v) for v in D]),
            LowRank(m4, [[3e-3], [0.0], [-2e-3], [4e-3]], D),
        ),
    }
    for (pf, qf), (pn, qn) in near_forms.items():
        add("ord", forms[pf](0), forms[qf](0))
        add("near", pn, qn)
    # Independent ‖ Independent: Normal base (Gaussian path) and Gamma base (sum of base KLs)
    add("ord", ind(vec(3), [lr(0.3, 3) for _ in range(3)]), ind(vec(3), [lr(0.3, 3) for _ in range(3)]))
    add("near", ind([0.1, 0.2, 0.3], [1.0, 2.0, 3.0]), ind([0.1, 0.2, 0.3], [1.0, pert(2.0, 1e-5), 3.0]))
    gconc, grate = [0.7, 2.5, 11.0], [1.3, 0.4, 2.0]
    add("ord", Indep(Gamma(gconc, grate)), Indep(Gamma([1.1, 2.0, 9.0], [1.0, 0.5, 1.5])))
    add("near", Indep(Gamma(gconc, grate)), Indep(Gamma([pert(gconc[0], 1e-5), gconc[1], gconc[2]], grate)))
    # extreme cross: tiny and huge variances
    add("ext", MVNDiag([0.0, 0.0, 0.0], variance=[1e-250, 1e250, 1.0]),
        MVN([0.0, 0.0, 0.0], covariance=[[2e-250, 0.0, 0.0], [0.0, 1e250, 0.0], [0.0, 0.0, 3.0]]))
    add("ext", ind([0.0, 1e200], [1e-150, 1e150]), MVNDiag([1e-150, 1e200], scale=[3e-150, 2e150]))

    # ── univariate continuous, same family ────────────────────────────────────────────────
    for _ in range(2):
        add("ord", LogNormal(r(-2, 2), lr(0.2, 3)), LogNormal(r(-2, 2), lr(0.2, 3)))
    add("near", LogNormal(0.5, 0.8), LogNormal(0.5, pert(0.8)))
    add("near", LogNormal(0.5, 0.8), LogNormal(0.5 + 1e-5, 0.8))
    add("ext", LogNormal(300.0, 1e-100), LogNormal(300.0, 3e-100))
    add("ext", LogNormal(-500.0, 100.0), LogNormal(-400.0, 50.0))

    for _ in range(2):
        add("ord", HalfNormal(lr(0.1, 10)), HalfNormal(lr(0.1, 10)))
    add("near", HalfNormal(1.5), HalfNormal(pert(1.5)))
    add("ext", HalfNormal(1e-300), HalfNormal(1e300))
    add("ext", HalfNormal(1e-200), HalfNormal(2e-200))

    for _ in range(2):
        add("ord", Laplace(r(-3, 3), lr(0.2, 5)), Laplace(r(-3, 3), lr(0.2, 5)))
    add("near", Laplace(0.5, 1.2), Laplace(0.5, pert(1.2)))
    add("near", Laplace(0.5, 1.2), Laplace(0.5 + 1.7e-5, 1.2))
    add("near", Laplace(0.5, 1.2), Laplace(0.5 + 1e-5, pert(1.2, 1e-5)))
    add("ext", Laplace(0.0, 1e-200), Laplace(1e-200, 2e-200))
    add("ext", Laplace(1e200, 1e180), Laplace(1e200 + 1e184, 1e181))

    for _ in range(2):
        add("ord", Cauchy(r(-3, 3), lr(0.2, 5)), Cauchy(r(-3, 3), lr(0.2, 5)))
    add("near", Cauchy(0.5, 1.2), Cauchy(0.5, pert(1.2, 3e-5)))
    add("near", Cauchy(0.5, 1.2), Cauchy(0.5 + 2e-5, 1.2))
    add("ext", Cauchy(0.0, 1e-200), Cauchy(1e-199, 3e-200))
    add("ext", Cauchy(0.0, 1e100), Cauchy(0.0, 1e-100))

    for _ in range(2):
        add("ord", Gumbel(r(-3, 3), lr(0.2, 5)), Gumbel(r(-3, 3), lr(0.2, 5)))
    add("near", Gumbel(0.5, 1.2), Gumbel(0.5, pert(1.2)))
    add("near", Gumbel(0.5, 1.2), Gumbel(0.5 + 1e-5, 1.2))
    add("ext", Gumbel(0.0, 1e-150), Gumbel(1e-150, 2e-150))
    add("ext", Gumbel(1e100, 1e90), Gumbel(1e100, 3e90))

    add("ord", Uniform(-1.0, 2.0), Uniform(-3.0, 2.5))
    add("ord", Uniform(0.25, 0.5), Uniform(0.0, 7.0))
    add("ord", Uniform(0.0, 1.0), Uniform(0.5, 2.0))  # +Infinity
    add("near", Uniform(0.0, 1.0), Uniform(-1e-10, 1.0))
    add("near", Uniform(3.0, 5.0), Uniform(3.0, 5.0 + 3e-10))
    add("ext", Uniform(1e-300, 2e-300), Uniform(0.0, 1e300))
    add("ext", Uniform(1e15, 1e15 + 2.0), Uniform(1e15 - 2.0, 1e15 + 4.0))

    for _ in range(2):
        add("ord", Exponential(lr(0.1, 10)), Exponential(lr(0.1, 10)))
    add("near", Exponential(2.0), Exponential(pert(2.0)))
    add("ext", Exponential(1e-150), Exponential(1e150))
    add("ext", Exponential(1e200), Exponential(1.00001e200))

    for _ in range(3):
        add("ord", Gamma(lr(0.2, 20), lr(0.2, 5)), Gamma(lr(0.2, 20), lr(0.2, 5)))
    add("near", Gamma(2.5, 1.5), Gamma(pert(2.5), 1.5))
    add("near", Gamma(2.5, 1.5), Gamma(2.5, pert(1.5)))
    add("near", Gamma(0.3, 0.7), Gamma(pert(0.3, 4e-6), pert(0.7, 3e-6)))
    add("near", Gamma(40.0, 2.0), Gamma(pert(40.0, 2e-6), 2.0))
    add("ext", Gamma(1e-3, 1e-200), Gamma(2e-3, 3e-200))
    add("ext", Gamma(1e6, 1e6), Gamma(1.01e6, 1e6))
    add("ext", Gamma(1e8, 1.0), Gamma(pert(1e8, 1e-6), 1.0))

    add("ord", Chi2(3.0), Chi2(5.5))
    add("ord", Chi2(0.7), Chi2(12.0))
    add("near", Chi2(4.0), Chi2(pert(4.0)))
    add("ext", Chi2(1e7), Chi2(1.001e7))

    for _ in range(3):
        add("ord", Beta(lr(0.2, 20), lr(0.2, 20)), Beta(lr(0.2, 20), lr(0.2, 20)))
    add("near", Beta(2.0, 3.0), Beta(pert(2.0), 3.0))
    add("near", Beta(0.5, 0.7), Beta(pert(0.5, 3e-6), pert(0.7, -2e-6)))
    add("near", Beta(30.0, 12.0), Beta(30.0, pert(12.0, 3e-6)))
    add("ext", Beta(1e-3, 1e-3), Beta(2e-3, 5e-4))
    add("ext", Beta(1e6, 2e6), Beta(1.001e6, 2e6))

    for _ in range(2):
        add("ord", Pareto(lr(0.5, 2), lr(0.5, 5)), Pareto(lr(0.1, 0.5), lr(0.5, 5)))
    add("ord", Pareto(0.5, 2.0), Pareto(1.0, 2.0))  # +Infinity
    add("near", Pareto(1.0, 2.5), Pareto(1.0, pert(2.5)))
    add("near", Pareto(1.0, 2.5), Pareto(1.0 - 4e-11, 2.5))
    add("ext", Pareto(1e-200, 1e-3), Pareto(1e-201, 2e-3))
    add("ext", Pareto(1e200, 1e3), Pareto(1e200, 1.2e3))

    for _ in range(2):
        add("ord", Weibull(lr(0.2, 5), lr(0.3, 5)), Weibull(lr(0.2, 5), lr(0.3, 5)))
    add("near", Weibull(1.5, 2.0), Weibull(pert(1.5), 2.0))
    add("near", Weibull(1.5, 2.0), Weibull(1.5, pert(2.0)))
    add("ext", Weibull(1e-100, 0.2), Weibull(2e-100, 0.25))
    add("ext", Weibull(1e100, 20.0), Weibull(1.01e100, 25.0))

    for _ in range(2):
        add("ord", CB(r(0.05, 0.95)), CB(r(0.05, 0.95)))
    add("near", CB(0.3), CB(pert(0.3, 3e-5)))
    add("near", CB(0.5), CB(0.5 + 1e-5))
    add("near", CB(logits=8.0), CB(logits=8.0 + 1e-4))
    add("ext", CB(logits=-500.0), CB(logits=300.0))
    add("ext", CB(1e-12), CB(1e-10))

    # ── univariate continuous, cross family ───────────────────────────────────────────────
    add("ord", Chi2(3.0), Gamma(1.2, 0.7))
    add("near", Chi2(4.0), Gamma(pert(2.0), 0.5))
    add("ord", Gamma(1.7, 0.3), Chi2(2.5))
    add("near", Gamma(pert(1.5, 1e-5), 0.5), Chi2(3.0))

    add("ord", Beta(2.0, 3.0), CB(0.3))
    add("ord", Beta(0.5, 0.8), CB(0.8))
    add("near", Beta(pert(1.0), 1.0), CB(0.5 + 2e-6))
    add("ext", Beta(1e-3, 2e-3), CB(logits=300.0))

    for _ in range(2):
        add("ord", Beta(lr(0.3, 10), lr(0.3, 10)), Exponential(lr(0.2, 5)))
    add("ext", Beta(1e5, 1e5), Exponential(1e-100))
    for _ in range(2):
        add("ord", Beta(lr(0.3, 10), lr(0.3, 10)), Gamma(lr(0.3, 10), lr(0.3, 5)))
    add("ext", Beta(1e-3, 1e4), Gamma(1e-3, 1e3))
    for _ in range(2):
        add("ord", Beta(lr(0.3, 10), lr(0.3, 10)), Normal(r(0, 1), lr(0.1, 2)))
    add("ext", Beta(1e6, 1e6), Normal(0.5, 1e-3))
    add("ord", Beta(2.0, 5.0), Uniform(0.0, 1.0))
    add("ord", Beta(0.7, 0.4), Uniform(-1.0, 3.0))
    add("ord", Beta(2.0, 5.0), Uniform(0.1, 1.0))  # +Infinity
    add("near", Beta(pert(1.0), 1.0), Uniform(0.0, 1.0))
    add("near", Beta(1.0, pert(1.0, -1e-5)), Uniform(0.0, 1.0))
    add("ext", Beta(1e-4, 1e-4), Uniform(0.0, 1.0))

    add("ord", CB(0.3), Exponential(1.5))
    add("ord", CB(0.9), Exponential(0.2))
    add("ext", CB(logits=-400.0), Exponential(1e50))
    add("ord", CB(0.3), Normal(0.4, 0.7))
    add("ord", CB(0.85), Normal(-1.0, 2.0))
    add("ext", CB(logits=1e-9), Normal(0.5, 1e-100))
    add("ord", CB(0.3), Uniform(0.0, 1.0))
    add("ord", CB(0.7), Uniform(-1.0, 2.0))
    add("near", CB(0.5 + 3e-6), Uniform(0.0, 1.0))
    add("near", CB(logits=4e-5), Uniform(0.0, 1.0))
    add("ext", CB(logits=-700.0), Uniform(0.0, 1.0))

    add("ord", Exponential(0.7), Gamma(2.5, 1.3))
    add("ord", Exponential(3.0), Gamma(0.4, 0.2))
    add("near", Exponential(1.3), Gamma(pert(1.0), 1.3))
    add("near", Exponential(1.3), Gamma(1.0, pert(1.3)))
    add("ext", Exponential(1e-200), Gamma(1e-3, 1e-198))
    add("ord", Exponential(0.7), Gumbel(0.5, 1.5))
    add("ord", Exponential(2.0), Gumbel(-1.0, 0.3))
    add("ext", Exponential(1e-100), Gumbel(1e100, 1e100))
    add("ord", Exponential(0.7), Normal(0.5, 1.5))
    add("ord", Exponential(4.0), Normal(-1.0, 0.3))
    add("ext", Exponential(1e100), Normal(0.0, 1e-99))

    add("ord", Gamma(2.5, 1.3), Exponential(0.7))
    add("ord", Gamma(0.4, 0.2), Exponential(3.0))
    add("near", Gamma(pert(1.0), 1.3), Exponential(1.3))
    add("near", Gamma(1.0, pert(1.3)), Exponential(1.3))
    add("ext", Gamma(1e-3, 1e-200), Exponential(1e-198))
    add("ord", Gamma(2.5, 1.3), Gumbel(0.5, 1.5))
    add("ord", Gamma(0.4, 0.2), Gumbel(-1.0, 3.0))
    add("ext", Gamma(1e4, 1e-100), Gumbel(1e104, 1e102))
    add("ord", Gamma(2.5, 1.3), Normal(0.5, 1.5))
    add("ord", Gamma(0.4, 0.2), Normal(-1.0, 3.0))
    add("ext", Gamma(1e6, 1e-100), Normal(1e106, 1e103))

    add("ord", Gumbel(0.5, 1.5), Normal(0.3, 2.0))
    add("ord", Gumbel(-2.0, 0.3), Normal(1.0, 0.5))
    add("ext", Gumbel(1e200, 1e190), Normal(1e200, 1e190))
    add("ord", Laplace(0.5, 1.5), Normal(0.3, 2.0))
    add("ord", Laplace(-2.0, 0.3), Normal(1.0, 0.5))
    add("ext", Laplace(1e200, 1e190), Normal(1e200, 1e190))
    add("ord", Normal(0.5, 1.5), Gumbel(0.3, 2.0))
    add("ord", Normal(-2.0, 0.3), Gumbel(1.0, 0.5))
    add("ext", Normal(1e200, 1e190), Gumbel(1e200, 1e190))
    add("ord", Normal(0.5, 1.5), Laplace(0.3, 2.0))
    add("ord", Normal(-2.0, 0.3), Laplace(1.0, 0.5))
    add("ext", Normal(1e200, 1e190), Laplace(1e200, 1e190))
    add("ext", Normal(0.0, 1e-200), Laplace(1e-190, 1e-200))

    add("ord", Pareto(1.0, 3.0), Exponential(0.5))
    add("ord", Pareto(0.2, 1.5), Exponential(2.0))
    add("ord", Pareto(0.2, 0.8), Exponential(2.0))  # +Infinity
    add("ext", Pareto(1e-200, 1e3), Exponential(1e199))
    add("ord", Pareto(1.0, 3.0), Gamma(2.0, 0.5))
    add("ord", Pareto(0.2, 1.5), Gamma(0.5, 2.0))
    add("ext", Pareto(1e100, 50.0), Gamma(20.0, 1e-99))
    add("ord", Pareto(1.0, 3.0), Normal(1.5, 1.0))
    add("ord", Pareto(0.2, 2.5), Normal(-0.5, 2.0))
    add("ord", Pareto(0.2, 1.5), Normal(-0.5, 2.0))  # +Infinity
    add("ext", Pareto(1e100, 50.0), Normal(1e100, 1e98))

    add("ord", Uniform(0.2, 0.7), Beta(2.0, 3.0))
    add("ord", Uniform(0.0, 1.0), Beta(0.5, 0.5))
    add("ord", Uniform(-0.2, 0.7), Beta(2.0, 3.0))  # +Infinity
    add("near", Uniform(0.0, 1.0), Beta(pert(1.0), 1.0))
    add("near", Uniform(0.0, 1.0), Beta(pert(1.0, 3e-6), pert(1.0, -2e-6)))
    add("ext", Uniform(1e-300, 1e-100), Beta(1e-3, 1.0))
    add("ext", Uniform(0.5, 0.5 + 1e-12), Beta(3.0, 3.0))
    add("ord", Uniform(0.2, 0.7), CB(0.3))
    add("ord", Uniform(0.0, 1.0), CB(0.9))
    add("near", Uniform(0.0, 1.0), CB(0.5 + 3e-6))
    add("ext", Uniform(0.999, 1.0), CB(logits=700.0))
    add("ord", Uniform(0.2, 1.7), Exponential(0.5))
    add("ord", Uniform(0.0, 3.0), Exponential(2.0))
    add("ord", Uniform(-1.0, 3.0), Exponential(2.0))  # +Infinity
    add("ext", Uniform(1e200, 2e200), Exponential(1e-201))
    add("ord", Uniform(0.2, 1.7), Gamma(2.0, 0.5))
    add("ord", Uniform(0.0, 3.0), Gamma(0.5, 2.0))
    add("ext", Uniform(1e-200, 3e-200), Gamma(1e-3, 1e199))
    add("ext", Uniform(1.0, 1.0 + 1e-9), Gamma(5.0, 2.0))
    add("ord", Uniform(0.2, 1.7), Gumbel(0.5, 1.5))
    add("ord", Uniform(-3.0, 3.0), Gumbel(-1.0, 0.4))
    add("ext", Uniform(1e100, 3e100), Gumbel(1e100, 1e99))
    add("ord", Uniform(0.2, 1.7), Normal(0.5, 1.5))
    add("ord", Uniform(-3.0, 3.0), Normal(-1.0, 0.4))
    add("ext", Uniform(1e100, 1e100 + 1e88), Normal(1e100, 1e90))
    add("ord", Uniform(1.2, 1.7), Pareto(1.0, 2.0))
    add("ord", Uniform(3.0, 10.0), Pareto(0.5, 0.7))
    add("ord", Uniform(0.5, 1.7), Pareto(1.0, 2.0))  # +Infinity
    add("ext", Uniform(1e100, 1e101), Pareto(1e99, 1e-3))

    add("ord", Weibull(1.5, 2.0), Gamma(2.0, 1.1))
    add("ord", Weibull(0.5, 0.6), Gamma(0.5, 0.8))
    add("near", Weibull(pert(1.0), 1.0), Gamma(1.0, 1.0))
    add("near", Weibull(2.0, pert(1.0)), Gamma(1.0, 0.5))
    add("near", Weibull(2.0, 1.0), Gamma(pert(1.0), 0.5))
    add("ext", Weibull(1e-100, 3.0), Gamma(10.0, 1e101))

    add("ord", Kumaraswamy(2.0, 3.0), Beta(2.0, 4.0))
    add("ord", Kumaraswamy(0.5, 0.7), Beta(0.6, 0.9))
    add("ord", Kumaraswamy(5.0, 1.5), Beta(3.0, 1.0))
    add("near", Kumaraswamy(pert(1.0), 1.0), Beta(1.0, 1.0))
    add("near", Kumaraswamy(2.0, pert(1.0, 3e-5)), Beta(2.0, 1.0))
    add("near", Kumaraswamy(1.0, 2.0), Beta(pert(1.0), 2.0))
    add("ext", Kumaraswamy(50.0, 200.0), Beta(60.0, 20.0))

    # ── discrete ──────────────────────────────────────────────────────────────────────────
    for _ in range(2):
        add("ord", Bernoulli(r(0.05, 0.95)), Bernoulli(r(0.05, 0.95)))
    add("near", Bernoulli(0.3), Bernoulli(pert(0.3)))
    add("near", Bernoulli(0.999), Bernoulli(0.999 - 4e-7))
    add("near", Bernoulli(logits=2.0), Bernoulli(logits=2.0 + 3e-5))
    add("ext", Bernoulli(1e-12), Bernoulli(3e-12))
    add("ext", Bernoulli(logits=-40.0), Bernoulli(logits=-38.0))
    add("ext", Bernoulli(logits=40.0), Bernoulli(logits=30.0))

    add("ord", Binomial(10, 0.3), Binomial(10, 0.6))
    add("ord", Binomial(7, 0.3), Binomial(12, 0.25))
    add("ord", Binomial(12, 0.3), Binomial(7, 0.25))  # +Infinity
    add("near", Binomial(20, 0.3), Binomial(20, pert(0.3, 3e-6)))
    add("ext", Binomial(1e9, 1e-9), Binomial(1e9, 2e-9))
    add("ext", Binomial(1000, logits=-30.0), Binomial(1500, logits=-29.0))

    for _ in range(2):
        k = 5
        a = [lr(0.05, 1) for _ in range(k)]
        b = [lr(0.05, 1) for _ in range(k)]
        add("ord", Categorical([v / sum(a) for v in a]), Categorical([v / sum(b) for v in b]))
    pv = [0.1, 0.2, 0.3, 0.4]
    add("near", Categorical(pv), Categorical([0.1 + 1e-5, 0.2, 0.3 - 1e-5, 0.4]))
    add("near", Categorical(logits=[0.5, -1.0, 2.0]), Categorical(logits=[0.5 + 2e-5, -1.0, 2.0]))
    add("ext", Categorical(logits=[-20.0, 0.0, 20.0]), Categorical(logits=[-18.0, 0.0, 20.0]))
    add("ext", Categorical([1e-300, 0.5, 0.5]), Categorical([1e-200, 0.25, 0.75]))
    add("ord", Categorical([0.2, 0.3, 0.5], onehot=True), Categorical([0.4, 0.4, 0.2], onehot=True))
    add("near", Categorical(pv, onehot=True), Categorical([0.1, 0.2 + 1e-5, 0.3, 0.4 - 1e-5], onehot=True))
    add("ext", Categorical(logits=[-50.0, 0.0, 50.0], onehot=True), Categorical(logits=[-40.0, 0.0, 50.0], onehot=True))

    for _ in range(2):
        add("ord", Dirichlet([lr(0.3, 10) for _ in range(3)]), Dirichlet([lr(0.3, 10) for _ in range(3)]))
    add("ord", Dirichlet([2.0, 3.0]), Dirichlet([1.5, 4.0]))
    add("near", Dirichlet([2.0, 3.0, 4.0]), Dirichlet([pert(2.0), 3.0, 4.0]))
    add("near", Dirichlet([0.5, 0.7]), Dirichlet([0.5, pert(0.7)]))
    add("near", Dirichlet([20.0, 30.0, 40.0]), Dirichlet([20.0, pert(30.0, 3e-6), 40.0]))
    add("ext", Dirichlet([1e-3, 2e-3, 1e-3]), Dirichlet([2e-3, 1e-3, 1e-3]))
    add("ext", Dirichlet([1e6, 2e6, 3e6]), Dirichlet([1.001e6, 2e6, 3e6]))
    add("ext", Dirichlet([r(0.5, 5) for _ in range(50)]), Dirichlet([r(0.5, 5) for _ in range(50)]))

    add("ord", Geometric(0.3), Geometric(0.6))
    add("ord", Geometric(0.05), Geometric(0.01))
    add("near", Geometric(0.3), Geometric(pert(0.3)))
    add("ext", Geometric(1e-9), Geometric(2e-9))
    add("ext", Geometric(1.0 - 1e-12), Geometric(0.5))

    add("ord", Poisson(2.5), Poisson(4.0))
    add("ord", Poisson(0.1), Poisson(30.0))
    add("near", Poisson(3.0), Poisson(pert(3.0)))
    add("ext", Poisson(1e-200), Poisson(1e-199))
    add("ext", Poisson(1e12), Poisson(1.000001e12))

    add("ord", Bernoulli(0.3), Poisson(0.7))
    add("ord", Bernoulli(0.9), Poisson(2.0))
    add("ext", Bernoulli(1e-10), Poisson(1e-10))
    add("ord", Bernoulli(0.3), Binomial(4, 0.2))
    add("near", Bernoulli(0.3), Binomial(1, pert(0.3)))
    add("ord", Binomial(1, 0.3), Bernoulli(0.6))
    add("ord", Binomial(3, 0.3), Bernoulli(0.6))  # +Infinity
    add("near", Binomial(1, 0.3), Bernoulli(pert(0.3)))
    add("ord", Bernoulli(0.3), Geometric(0.6))
    add("ext", Bernoulli(1e-12), Geometric(1.0 - 1e-12))
    add("ord", Binomial(6, 0.3), Geometric(0.4))
    add("ext", Binomial(200, 0.99), Geometric(1e-3))
    add("ord", Binomial(6, 0.3), Poisson(1.5))
    add("near", Binomial(10, 1e-5), Poisson(1e-4))
    add("ext", Binomial(1000, 1e-3), Poisson(1.0))

    add("ord", Poisson(2.0), Bernoulli(0.4))  # +Infinity
    add("ord", Poisson(0.0), Bernoulli(0.4))  # point mass at 0: -log q(0)
    add("ord", Poisson(2.0), Binomial(5, 0.4))
    add("ord", Poisson(0.0), Binomial(5, 0.4))
    add("ord", Geometric(0.4), Bernoulli(0.4))
    add("ord", Geometric(1.0), Bernoulli(0.3))
    add("ord", Geometric(0.4), Binomial(5, 0.4))
    add("ord", Geometric(1.0), Binomial(5, 0.2))

    # ── support mismatch rows (always +Infinity) ─────────────────────────────────────────
    samples = {
        "Beta": Beta(2.0, 3.0),
        "ContinuousBernoulli": CB(0.3),
        "Exponential": Exponential(1.5),
        "Gamma": Gamma(2.0, 1.0),
        "Gumbel": Gumbel(0.0, 1.0),
        "Laplace": Laplace(0.0, 1.0),
        "Normal": Normal(0.0, 1.0),
        "Pareto": Pareto(1.0, 2.0),
        "Uniform": Uniform(0.2, 0.8),
    }
    infinite = [
        ("Beta", "Pareto"), ("ContinuousBernoulli", "Pareto"),
        ("Exponential", "Beta"), ("Exponential", "ContinuousBernoulli"), ("Exponential", "Pareto"), ("Exponential", "Uniform"),
        ("Gamma", "Beta"), ("Gamma", "ContinuousBernoulli"), ("Gamma", "Pareto"), ("Gamma", "Uniform"),
        ("Gumbel", "Beta"), ("Gumbel", "ContinuousBernoulli"), ("Gumbel", "Exponential"), ("Gumbel", "Gamma"),
        ("Gumbel", "Pareto"), ("Gumbel", "Uniform"),
        ("Laplace", "Beta"), ("Laplace", "ContinuousBernoulli"), ("Laplace", "Exponential"), ("Laplace", "Gamma"),
        ("Laplace", "Pareto"), ("Laplace", "Uniform"),
        ("Normal", "Beta"), ("Normal", "ContinuousBernoulli"), ("Normal", "Exponential"), ("Normal", "Gamma"),
        ("Normal", "Pareto"), ("Normal", "Uniform"),
        ("Pareto", "Beta"), ("Pareto", "ContinuousBernoulli"), ("Pareto", "Uniform"),
    ]
    for pf, qf in infinite:
        add("ord", samples[pf], samples[qf])

    # ── SciPy elementwise functions near x = y ───────────────────────────────────────────
    add_elementwise("relEntr", "ord", [0.3, 2.0, 1e-3, 5.0], [0.7, 0.1, 2e-3, 5.5])
    add_elementwise("relEntr", "near", [0.3, 2.0, 1e-3, 7.0], [pert(0.3, 1e-10), pert(2.0, -3e-11), pert(1e-3, 2e-10), 7.0 * (1 + 1e-6)])
    add_elementwise("relEntr", "ext", [1e-300, 1e300, 1e-200], [1e300, 1e-300, 3e-200])
    add_elementwise("klDiv", "ord", [0.3, 2.0, 1e-3, 5.0], [0.7, 0.1, 2e-3, 5.5])
    add_elementwise("klDiv", "near", [0.3, 2.0, 1e-3, 7.0], [pert(0.3), pert(2.0, -3e-6), pert(1e-3, 2e-5), 7.0 * (1 + 1e-7)])
    add_elementwise("klDiv", "ext", [1e-300, 1e300, 1e-200], [1e300, 1e-300, 3e-200])


def main():
    build()
    with open(OUT, "w") as f:
        for c in cases:
            f.write(json.dumps(c, ensure_ascii=False, separators=(",", ":")) + "\n")
    groups = {}
    for c in cases:
        g = c["id"].rsplit("-", 2)[1]
        groups[g] = groups.get(g, 0) + 1
    print("wrote %d cases to %s (%s)" % (len(cases), OUT, ", ".join("%s %d" % kv for kv in sorted(groups.items()))))


if __name__ == "__main__":
    sys.exit(main())
