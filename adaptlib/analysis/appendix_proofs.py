"""The appendix proofs of the paper (A.2) and the identities of Sec. 2-4, checked with sympy.

Every ``check_*`` function builds both sides of one identity and returns True only when their
difference simplifies to exactly zero (never by comparing printed formulas):

- with ``n`` an integer (2, 3, ...) the identity is checked for that number of states, on
  symbols R_1..R_n, A_1..A_n, alpha_2..alpha_n; Eq. 5 and Eq. 7 are then derived from the
  joint distribution of the states' correctness itself (2^n atoms), not from Eq. 5;
- with ``n=None`` it is proved for every N >= 2 by induction on N: the difference D(N) of the
  two sides vanishes at N = 2, and D(N + 1) - D(N) vanishes once each sum up to N + 1 is split
  into the sum up to N and its last term.

The formula builders (``eq5_cost`` ...) take ``n`` as an int or the symbol :data:`N` and write
sums as ``sympy.Sum``, so one builder serves both kinds of check. Their names match the
equation numbers of the paper; ``P(e_i)`` is the indexed symbol ``e[i]``.

Taught in chapter 09.
"""
from __future__ import annotations

from collections.abc import Callable
from itertools import product

import sympy as sp
from sympy.logic.boolalg import Equivalent
from sympy.logic.inference import satisfiable

from adaptlib.core.validate import is_integer

N = sp.Symbol("N", integer=True, positive=True)  # the number of states, symbolic
i = sp.Symbol("i", integer=True)  # the summation index
R = sp.IndexedBase("R")  # R_i, costs (Eq. 2)
A = sp.IndexedBase("A")  # A_i, accuracies (Eq. 3)
alpha = sp.IndexedBase("alpha")  # alpha_i, i > 1 (Eq. 6)
e = sp.IndexedBase("e")  # e[i] = P(e_i): states 1..i all wrong
a = sp.Symbol("alpha", nonnegative=True)  # a constant alpha (Eq. 8)
beta0, beta1 = sp.symbols("beta_0 beta_1", nonnegative=True)  # adaptation overheads (Sec. 4.2)
C = sp.Symbol("C", positive=True)  # number of classes (Eq. 16)



# ----------------------------------------------------------------- the formulas, as printed


def eq5_cost(n) -> sp.Expr:
    """Eq. 5: R_1 (1 - P(e_1) + P(e_N)) + sum_{i=2}^N R_i [P(e_{i-1}) - P(e_i)]."""
    return R[1] * (1 - e[1] + e[n]) + sp.Sum(R[i] * (e[i - 1] - e[i]), (i, 2, n))


def eq12_cost(n) -> sp.Expr:
    """Eq. 12, the expectation over the disjoint events x_1, x_i (i = 2..N) and x_f:
    sum_i R_i P(x_i) + R_1 P(x_f), with P(x_1) = 1 - P(e_1), P(x_i) = P(e_{i-1}) - P(e_i) and
    P(x_f) = P(e_N) (Lemma: :func:`check_event_partition`)."""
    return R[1] * (1 - e[1]) + sp.Sum(R[i] * (e[i - 1] - e[i]), (i, 2, n)) + R[1] * e[n]


def eq6_p_e(k) -> sp.Expr:
    """Eq. 6: P(e_1) = 1 - A_1 and P(e_k) = alpha_k (1 - A_k) for k > 1."""
    return 1 - A[1] if k == 1 else alpha[k] * (1 - A[k])


def eq7_cost(n) -> sp.Expr:
    """Eq. 7: R_1 + (R_2 - R_1)(1 - A_1) - alpha_N (R_N - R_1)(1 - A_N)
    + sum_{i=3}^N alpha_{i-1} (R_i - R_{i-1})(1 - A_{i-1})."""
    return (
        R[1] + (R[2] - R[1]) * (1 - A[1]) - alpha[n] * (R[n] - R[1]) * (1 - A[n])
        + sp.Sum(alpha[i - 1] * (R[i] - R[i - 1]) * (1 - A[i - 1]), (i, 3, n))
    )


def eq7_cost_as_in_proof(n) -> sp.Expr:
    """The last line of proof 2 in A.2, which writes alpha_i (1 - A_i) inside the sum."""
    return (
        R[1] + (R[2] - R[1]) * (1 - A[1]) - alpha[n] * (R[n] - R[1]) * (1 - A[n])
        + sp.Sum(alpha[i] * (R[i] - R[i - 1]) * (1 - A[i]), (i, 3, n))
    )


def eq8_cost(n) -> sp.Expr:
    """Eq. 8: R_1 + (R_2 - R_1)(1 - A_1)
    + alpha [sum_{i=3}^N (R_i - R_{i-1})(1 - A_{i-1}) - (R_N - R_1)(1 - A_N)]."""
    bracket = sp.Sum((R[i] - R[i - 1]) * (1 - A[i - 1]), (i, 3, n)) - (R[n] - R[1]) * (1 - A[n])
    return R[1] + (R[2] - R[1]) * (1 - A[1]) + a * bracket


def eq8_accuracy(n) -> sp.Expr:
    """Eq. 8 (and Eq. 7 with alpha_N = alpha): A_oracle = 1 - alpha (1 - A_N)."""
    return 1 - a * (1 - A[n])


def eq9_cost(n, costs=R, accuracies=A) -> sp.Expr:
    """Eq. 9, alpha = 1: R_1 + sum_{i=2}^N (R_i - R_1)(A_i - A_{i-1})."""
    r, acc = costs, accuracies
    return r[1] + sp.Sum((r[i] - r[1]) * (acc[i] - acc[i - 1]), (i, 2, n))


def eq10_cost(n) -> sp.Expr:
    """Eq. 10: R_1 + (A_N - A_1)(R_N - R_1) - sum_{i=2}^N (A_i - A_{i-1})(R_N - R_i)."""
    return eq15_cost(n) - sp.Sum((A[i] - A[i - 1]) * (R[n] - R[i]), (i, 2, n))


def eq15_cost(n) -> sp.Expr:
    """Eq. 15, the dynamic range alone: R_1 + (A_N - A_1)(R_N - R_1)."""
    return R[1] + (A[n] - A[1]) * (R[n] - R[1])


def step_integral(n) -> sp.Expr:
    """The integral from R_1 to R_N of the step curve A(R) = A_i on [R_i, R_{i+1}), each
    piece integrated by sympy: sum_{i=1}^{N-1} A_i (R_{i+1} - R_i)."""
    x = sp.Symbol("x", real=True)
    return sp.Sum(definite_integral(A[i], x, R[i], R[i + 1]), (i, 1, n - 1))


def eq11_cost_step(n) -> sp.Expr:
    """Eq. 11 for the step curve through the states: R_1 + A_N (R_N - R_1) - integral A dR."""
    return R[1] + A[n] * (R[n] - R[1]) - step_integral(n)


def guesser_eq9_cost(n) -> sp.Expr:
    """Eq. 9 for the space of proof 3 (A.2) where S_1 is replaced by a free random guesser
    (R'_1 = 0, A'_1 = 1/C): R_2 (A_2 - 1/C) + sum_{i=3}^N R_i (A_i - A_{i-1})."""
    return R[2] * (A[2] - 1 / C) + sp.Sum(R[i] * (A[i] - A[i - 1]), (i, 3, n))


def eq16_difference(n) -> sp.Expr:
    """Proof 3 (A.2): R_oracle - R'_oracle = R_1 (1 - A_N + A_1) - R_2 (A_1 - 1/C)."""
    return R[1] * (1 - A[n] + A[1]) - R[2] * (A[1] - 1 / C)


# ----------------------------------------------------------------- the machinery


def definite_integral(integrand: sp.Expr, x: sp.Symbol, low: sp.Expr, high: sp.Expr) -> sp.Expr:
    """The integral of a polynomial in ``x`` (its coefficients any expressions) from ``low`` to
    ``high``: sympy's antiderivative of the polynomial, F(high) - F(low). Exact, and much
    quicker than ``sp.integrate``, which first tries the methods for general integrands."""
    antiderivative = sp.Poly(integrand, x).integrate().as_expr()
    return antiderivative.xreplace({x: high}) - antiderivative.xreplace({x: low})


def written_out(expr: sp.Expr) -> sp.Expr:
    """Every sum with integer limits written out term by term: what ``Sum.doit`` gives, without
    its search for a closed form first (Karr's convention: a sum from a to b < a - 1 is minus
    the sum from b + 1 to a - 1, from a to a - 1 it is empty)."""

    def write(s: sp.Sum) -> sp.Expr:
        (var, low, high), = s.limits
        if not (low.is_Integer and high.is_Integer):
            return s
        sign, low, high = (1, int(low), int(high)) if high >= low - 1 else (-1, int(high) + 1, int(low) - 1)
        return sign * sp.Add(*[s.function.xreplace({var: k}) for k in range(low, high + 1)])

    return sp.sympify(expr).replace(lambda x: isinstance(x, sp.Sum), write)


def _split_sums(expr: sp.Expr) -> sp.Expr:
    """Expand every sum into sums of monomials, with factors free of i taken outside."""

    def split(s: sp.Sum) -> sp.Expr:
        total = sp.Integer(0)
        for term in sp.Add.make_args(sp.expand(s.function)):
            outside, inside = term.as_independent(i, as_Add=False)
            total += outside * sp.Sum(inside, *s.limits)
        return total

    return sp.expand(expr).replace(lambda x: isinstance(x, sp.Sum), split)


def _align_sums(expr: sp.Expr) -> sp.Expr:
    """Rewrite the monomial sums of an expanded ``expr`` so that equal sums look equal: each
    summand shifted to its smallest index offset 0 (Sum(A[i-1], (i, 2, N)) becomes
    Sum(A[i], (i, 1, N-1))), then every sum of one summand taken over the range its sums share,
    with the terms outside that range written out. A telescoping sum then cancels term by term."""
    rest, groups = sp.Integer(0), {}
    for term in sp.Add.make_args(expr):
        sums = [f for f in sp.Mul.make_args(term) if isinstance(f, sp.Sum)]
        s = sums[0] if len(sums) == 1 else None
        offsets = {x.indices[0] - i for x in s.function.atoms(sp.Indexed) if x.has(i)} if s is not None else set()
        if not offsets or not all(o.is_Integer for o in offsets):
            rest += term  # no sum, or one this alignment cannot shift: left as it is
            continue
        shift = min(offsets)
        (_, low, high), = s.limits
        coefficient = sp.Mul(*[f for f in sp.Mul.make_args(term) if f is not s])
        groups.setdefault(s.function.xreplace({i: i - shift}), []).append((coefficient, low + shift, high + shift))
    for summand, ranges in groups.items():
        low_gaps = [low - ranges[0][1] for _, low, _ in ranges]
        high_gaps = [high - ranges[0][2] for _, _, high in ranges]
        if not all(g.is_Integer for g in low_gaps + high_gaps):
            rest += sum(c * sp.Sum(summand, (i, low, high)) for c, low, high in ranges)
            continue
        low, high = ranges[0][1] + max(low_gaps), ranges[0][2] + min(high_gaps)
        for coefficient, own_low, own_high in ranges:
            outside = [own_low + k for k in range(int(low - own_low))]
            outside += [high + 1 + k for k in range(int(own_high - high))]
            rest += coefficient * (sp.Sum(summand, (i, low, high)) + sum(summand.xreplace({i: k}) for k in outside))
    return sp.expand(rest)


def vanishes(expr: sp.Expr) -> bool:
    """True when ``expr`` is identically zero. Without sums (or with numeric limits, which are
    written out), the canonical form of a rational function decides; with sums over a symbolic
    range, the sums are expanded into monomials and aligned (:func:`_align_sums`), which then
    cancel term by term, or, failing that, combined and telescoped by sympy."""
    expr = sp.sympify(expr)
    if not expr.has(N):
        expr = written_out(expr)
        expr = expr.doit() if expr.has(sp.Sum, sp.Integral, sp.Derivative) else expr
    if not expr.has(sp.Sum):
        expanded = sp.expand(expr)
        if expanded == 0:
            return True
        if not any(p.exp.is_negative for p in expanded.atoms(sp.Pow)):
            return False  # a non-zero polynomial in canonical (expanded) form
        return sp.cancel(sp.together(expanded)) == 0
    split = sp.expand(_split_sums(expr))
    if split == 0 or _align_sums(split) == 0:
        return True
    combined = sp.expand(_split_sums(sp.simplify(split).doit()))
    return combined == 0


def _peel_last(expr: sp.Expr) -> sp.Expr:
    """Write each sum whose upper limit depends on N as the sum up to one less plus its last
    term (D(N + 1) then holds the sums of D(N) and the terms that N + 1 adds)."""

    def peel(s: sp.Sum) -> sp.Expr:
        (var, low, high), = s.limits
        if not high.has(N):
            return s
        return sp.Sum(s.function, (var, low, high - 1)) + s.function.subs(var, high)

    return expr.replace(lambda x: isinstance(x, sp.Sum), peel)


def by_induction(difference: Callable[[object], sp.Expr], base: int = 2) -> bool:
    """Prove D(N) = 0 for every N >= ``base``: D(base) = 0 and D(N + 1) - D(N) = 0."""
    if not vanishes(difference(base)):
        return False
    step = _peel_last(difference(N + 1)) - difference(N)
    return vanishes(step)


def _check_size(n) -> None:
    if n is None:
        return
    if not is_integer(n) or n < 2:
        raise ValueError(f"n (the number of states) must be an integer >= 2, or None for every N; got {n!r}")


def _holds(difference: Callable[[object], sp.Expr], n) -> bool:
    _check_size(n)
    return by_induction(difference) if n is None else vanishes(difference(n))


# ----------------------------------------------------------------- the joint distribution


def joint_model(n: int) -> dict[str, object]:
    """All 2^n patterns of which states are right on an instance, each with its probability
    symbol p_w (w a string of 0/1, 1 = correct), normalised by p_{0...0} = 1 - sum of the others.

    Returns the expected cost of the Oracle Agent of Definition 2.1 (Eq. 4: the cheapest
    correct state, R_1 when none is right), its accuracy, and P(e_k), A_k as sums of atoms.
    """
    _check_size(n)
    patterns = ["".join(bits) for bits in product("01", repeat=n)]
    p = {w: sp.Symbol(f"p_{w}", nonnegative=True) for w in patterns}
    none = "0" * n
    p[none] = 1 - sum(p[w] for w in patterns if w != none)

    def chosen_cost(w: str) -> sp.Expr:
        return R[w.index("1") + 1] if "1" in w else R[1]

    return {
        "cost": sum(p[w] * chosen_cost(w) for w in patterns),
        "accuracy": sum(p[w] for w in patterns if "1" in w),
        "p_e": {k: sum(p[w] for w in patterns if "1" not in w[:k]) for k in range(1, n + 1)},
        "acc": {k: sum(p[w] for w in patterns if w[k - 1] == "1") for k in range(1, n + 1)},
    }


def _at_joint(expr: sp.Expr, model: dict, with_alpha: bool) -> sp.Expr:
    """Substitute P(e_k), A_k and alpha_k = P(e_k) / (1 - A_k) (Eq. 6) of the joint model."""
    subs = {e[k]: v for k, v in model["p_e"].items()}
    subs.update({A[k]: v for k, v in model["acc"].items()})
    if with_alpha:
        subs.update({alpha[k]: model["p_e"][k] / (1 - model["acc"][k]) for k in model["p_e"] if k > 1})
    return written_out(expr).xreplace(subs)


# ----------------------------------------------------------------- the checks


def event_partition_steps() -> list[tuple[str, bool]]:
    """The three Boolean identities of the lemma of proof 1 (A.2), for a generic i >= 2, each
    decided by a SAT solver: with E = e_{i-1}, e_i = E and not c_i, x_i = E and c_i (c_i: state
    i is right), e_{i-1} is the union of x_i and e_i, the two are disjoint (so
    P(x_i) = P(e_{i-1}) - P(e_i)), and x_1 = c_1, e_1 = not c_1 split every instance. Shown
    as chapter 9's self-checks, one (claim, holds) pair per identity."""
    E, c_i, c_1 = sp.symbols("E c_i c_1")
    e_i, x_i = E & ~c_i, E & c_i
    union = not satisfiable(~Equivalent(E, x_i | e_i))
    disjoint = not satisfiable(x_i & e_i)
    x_1, e_1 = c_1, ~c_1
    complement = not satisfiable(~(x_1 | e_1)) and not satisfiable(x_1 & e_1)
    return [
        ("e_i−1 is the union of x_i and e_i", bool(union)),
        ("x_i and e_i are disjoint, so P(x_i) = P(e_i−1) − P(e_i)", bool(disjoint)),
        ("x_1 and e_1 split every instance, so P(x_1) = 1 − P(e_1)", bool(complement)),
    ]


def check_event_partition() -> bool:
    """Lemma of proof 1 (A.2), for a generic i >= 2: with E = e_{i-1}, e_i = E and not c_i,
    x_i = E and c_i (c_i: state i is right), e_{i-1} is the disjoint union of x_i and e_i,
    so P(x_i) = P(e_{i-1}) - P(e_i); and x_1 = c_1, e_1 = not c_1 split every instance."""
    return all(holds for _, holds in event_partition_steps())


def check_eq5(n: int | None = None) -> bool:
    """Eq. 5 from the expectation over x_1, x_i, x_f (proof 1 of A.2).

    ``n`` an int: the expected cost and accuracy of Definition 2.1 over the joint distribution
    of n states equal Eq. 5 and Eq. 12. ``n=None``: Eq. 12 = Eq. 5 for every N (induction),
    with the event lemma :func:`check_event_partition`.
    """
    _check_size(n)
    if n is None:
        return check_event_partition() and by_induction(lambda m: eq12_cost(m) - eq5_cost(m))
    model = joint_model(n)
    cost_ok = vanishes(model["cost"] - _at_joint(eq5_cost(n), model, False))
    eq12_ok = vanishes(model["cost"] - _at_joint(eq12_cost(n), model, False))
    accuracy_ok = vanishes(model["accuracy"] - (1 - model["p_e"][n]))
    return cost_ok and eq12_ok and accuracy_ok


def eq5_with_eq6(n) -> sp.Expr:
    """Eq. 5 with Eq. 6 substituted, the i = 2 term written out so that P(e_1) = 1 - A_1
    is used only where it belongs (inside the remaining sum every index is >= 2)."""
    expr = R[1] * (1 - e[1] + e[n]) + R[2] * (e[1] - e[2]) + sp.Sum(R[i] * (e[i - 1] - e[i]), (i, 3, n))

    def substitute(x: sp.Indexed) -> sp.Expr:
        return eq6_p_e(1 if x.indices[0] == 1 else x.indices[0])

    return expr.replace(lambda x: isinstance(x, sp.Indexed) and x.base == e, substitute)


def check_eq7(n: int | None = None, cost: Callable[[object], sp.Expr] | None = None) -> bool:
    """Eq. 7 from Eq. 5 and Eq. 6 (proof 2 of A.2): equal for ``n`` states, or every N.

    For an int ``n`` Eq. 7 is also checked against the joint distribution, with
    alpha_k = P(e_{k-1} and Y_k wrong) / P(Y_k wrong) measured on it. ``cost`` replaces the
    right-hand side (default :func:`eq7_cost`), e.g. by :func:`eq7_cost_as_in_proof`.
    """
    _check_size(n)
    cost = eq7_cost if cost is None else cost
    if not _holds(lambda m: eq5_with_eq6(m) - cost(m), n):
        return False
    if n is None:
        return True
    model = joint_model(n)
    return vanishes(model["cost"] - _at_joint(cost(n), model, True)) and vanishes(
        model["accuracy"] - _at_joint(1 - alpha[n] * (1 - A[n]), model, True)
    )


def check_eq8(n: int | None = None) -> bool:
    """Eq. 8 is Eq. 7 with every alpha_i = alpha; it is affine in alpha, from the optimistic
    point (alpha = 0: R_1 + (R_2 - R_1)(1 - A_1), A = 1) to the conservative one (alpha = 1)."""
    _check_size(n)

    def constant(m) -> sp.Expr:
        return eq7_cost(m).replace(lambda x: isinstance(x, sp.Indexed) and x.base == alpha, lambda x: a)

    same = _holds(lambda m: constant(m) - eq8_cost(m), n)
    m = N if n is None else n
    line = sp.diff(eq8_cost(m), a, 2) == 0 and sp.diff(eq8_accuracy(m), a, 2) == 0
    optimistic = vanishes(eq8_cost(m).subs(a, 0) - (R[1] + (R[2] - R[1]) * (1 - A[1])))
    return bool(same and line and optimistic and eq8_accuracy(m).subs(a, 0) == 1)


def check_eq9(n: int | None = None) -> bool:
    """Eq. 9 is Eq. 8 at alpha = 1 (cost and accuracy A_N)."""
    _check_size(n)
    m = N if n is None else n
    accuracy = sp.expand(eq8_accuracy(m).subs(a, 1) - A[m]) == 0
    return accuracy and _holds(lambda k: eq8_cost(k).subs(a, 1) - eq9_cost(k), n)


def check_eq10(n: int | None = None) -> bool:
    """Eq. 10 is Eq. 9 rearranged (the sum of A_i - A_{i-1} telescopes to A_N - A_1)."""
    return _holds(lambda m: eq9_cost(m) - eq10_cost(m), n)


def check_eq10_savings_nonnegative(n: int) -> bool:
    """Under Eq. 2-3 every term Eq. 10 subtracts is >= 0, so Eq. 9 <= Eq. 15: with
    A_i = A_1 + d_2 + ... + d_i and R_i = R_1 + g_2 + ... + g_i (all d, g >= 0), Eq. 15 - Eq. 9
    is a polynomial in d, g whose coefficients are all >= 0."""
    _check_size(n)
    if n is None:
        raise ValueError("n must be an integer here: the check expands a polynomial in 2(n-1) symbols")
    d = sp.symbols(f"d2:{n + 1}", nonnegative=True)
    g = sp.symbols(f"g2:{n + 1}", nonnegative=True)
    subs = {A[k]: A[1] + sum(d[: k - 1]) for k in range(2, n + 1)}
    subs.update({R[k]: R[1] + sum(g[: k - 1]) for k in range(2, n + 1)})
    gap = sp.expand(written_out(eq15_cost(n) - eq9_cost(n)).xreplace(subs))
    if gap == 0:
        return True
    return all(c >= 0 for c in sp.Poly(gap, *d, *g).coeffs())


def check_eq11_step(n: int | None = None) -> bool:
    """The discrete Eq. 9 is Eq. 11 for the step curve A(R) = A_i on [R_i, R_{i+1}):
    R_1 + sum (R_i - R_1)(A_i - A_{i-1}) = R_1 + A_N (R_N - R_1) - integral A dR."""
    return _holds(lambda m: eq9_cost(m) - eq11_cost_step(m), n)


def check_eq11_by_parts() -> bool:
    """Eq. 11 from the continuous Eq. 10 by integration by parts, for any differentiable A(R):
    R_1 + (A(R_h) - A(R_1))(R_h - R_1) - integral_{R_1}^{R_h} (R_h - R) A'(R) dR
      = R_1 + A(R_h)(R_h - R_1) - integral_{R_1}^{R_h} A(R) dR.
    With u for R_h, the difference G(u) is 0 at u = R_1 and dG/du expands to 0."""
    x, u, r1 = sp.symbols("x u R_1", real=True)
    curve = sp.Function("A")
    eq10_continuous = r1 + (curve(u) - curve(r1)) * (u - r1) - sp.Integral(
        (u - x) * sp.Derivative(curve(x), x), (x, r1, u))
    eq11 = r1 + curve(u) * (u - r1) - sp.Integral(curve(x), (x, r1, u))
    gap = eq10_continuous - eq11
    # The integrals left are of A' (the fundamental theorem) or over an empty range: sympy's
    # general methods (Meijer G, Risch, heuristic) would only try to integrate A itself.
    direct = {"meijerg": False, "risch": False, "heurisch": False}
    return bool(sp.expand(gap.subs(u, r1).doit(**direct)) == 0
                and sp.expand(sp.diff(gap, u).doit(**direct)) == 0)


def check_eq11_piecewise_linear(n: int) -> bool:
    """Eq. 11 on the piecewise-linear curve through n states (symbolic R_i, A_1 and the
    segments' slopes s_k, so that A_{k+1} = A_k + s_k (R_{k+1} - R_k)): the Stieltjes sum of
    Eq. 10, integral (R_N - R) dA, integrated segment by segment, equals
    R_1 + A_N (R_N - R_1) - integral A dR with the integral computed by sympy."""
    _check_size(n)
    if n is None:
        raise ValueError("n must be an integer here: the curve has one symbolic segment per state pair")
    x = sp.Symbol("x", real=True)
    slope = sp.IndexedBase("s")  # s_k, the slope of segment k, a symbol until the end
    weighted, area = sp.Integer(0), sp.Integer(0)
    for k in range(1, n):
        segment = A[k] + slope[k] * (x - R[k])
        weighted += definite_integral((R[n] - x) * sp.diff(segment, x), x, R[k], R[k + 1])
        area += definite_integral(segment, x, R[k], R[k + 1])
    eq10_form = eq15_cost(n) - weighted
    eq11_form = R[1] + A[n] * (R[n] - R[1]) - area
    # The segments meet the states: A_{k+1} = A_k + s_k (R_{k+1} - R_k), so A_2..A_n are
    # written in A_1 and the slopes, and the gap is a polynomial (no division by R_{k+1} - R_k).
    through_states = {A[1]: A[1]}
    for k in range(1, n):
        through_states[A[k + 1]] = through_states[A[k]] + slope[k] * (R[k + 1] - R[k])
    return vanishes((eq10_form - eq11_form).xreplace(through_states))


def check_adaptation_cost(n: int | None = None) -> bool:
    """Sec. 4.2: Eq. 5 with R_i + beta_0 + beta_1 R_i in place of R_i equals
    beta_0 + (1 + beta_1) R_oracle, whatever P(e_i) (the weights of Eq. 5 sum to one)."""

    def adapted(m) -> sp.Expr:
        return eq5_cost(m).replace(
            lambda x: isinstance(x, sp.Indexed) and x.base == R, lambda x: x + beta0 + beta1 * x)

    return _holds(lambda m: adapted(m) - (beta0 + (1 + beta1) * eq5_cost(m)), n)


def check_eq15(n: int | None = None) -> bool:
    """Eq. 15 is Eq. 9 for the two states S_1, S_N, and the dynamic-range part of Eq. 10."""
    _check_size(n)
    m = N if n is None else n
    two = sp.IndexedBase("R2"), sp.IndexedBase("A2")  # the space {S_1, S_N} renumbered 1, 2
    renumber = {two[0][1]: R[1], two[0][2]: R[m], two[1][1]: A[1], two[1][2]: A[m]}
    two_states = written_out(eq9_cost(2, *two)).xreplace(renumber)
    dynamic = eq10_cost(m) + sp.Sum((A[i] - A[i - 1]) * (R[m] - R[i]), (i, 2, m))
    return vanishes(two_states - eq15_cost(m)) and vanishes(dynamic - eq15_cost(m))


def check_eq16(n: int | None = None, threshold_cost=None) -> bool:
    """Proof 3 (A.2): R_oracle - R'_oracle = R_1 (1 - A_N + A_1) - R_2 (A_1 - 1/C), with
    R'_oracle the alpha = 1 bound once S_1 is a free guesser; hence, as 1 - A_N + A_1 > 0,
    R_oracle < R'_oracle exactly when R_1 < (A_1 - 1/C) / (1 - A_N + A_1) * ``threshold_cost``,
    which must be R_2 (default; Eq. 16 as printed has R_N)."""
    _check_size(n)
    difference = _holds(lambda m: eq9_cost(m) - guesser_eq9_cost(m) - eq16_difference(m), n)
    m = N if n is None else n
    target = R[2] if threshold_cost is None else threshold_cost
    # With D = 1 - A_N + A_1 = (1 - A_N) + A_1 >= 0 (> 0 unless A_N = 1 and A_1 = 0), the
    # difference is D (R_1 - threshold): its sign is that of R_1 - threshold.
    r1, r2, a1, an = sp.symbols("R_1 R_2 A_1 A_N", nonnegative=True)
    named = {R[1]: r1, R[2]: r2, A[1]: a1, A[m]: an}
    denominator = 1 - an + a1
    threshold = (a1 - 1 / C) / denominator * target.xreplace(named)
    factored = sp.cancel(eq16_difference(m).xreplace(named) - denominator * (r1 - threshold)) == 0
    return bool(difference and factored)


def check_greedy_gain() -> bool:
    """Algorithm 1 (A.3): adding s between its chosen neighbours s_- and s_+ lowers the
    alpha = 1 bound, written over neighbouring pairs w(a, b) = (R_b - R_1)(A_b - A_a), by
    exactly dR(s) = [R(s_+) - R(s)] [A(s) - A(s_-)]."""
    r1, rm, rs, rp, am, as_, ap = sp.symbols("R_1 R_- R_s R_+ A_- A_s A_+")

    def w(r_b, a_b, a_a):
        return (r_b - r1) * (a_b - a_a)

    before = w(rp, ap, am)
    after = w(rs, as_, am) + w(rp, ap, as_)
    return sp.expand(before - after - (rp - rs) * (as_ - am)) == 0


def alpha_one_first_correct(n) -> list[sp.Expr]:
    """P(x_1), ..., P(x_n), P(x_f) when every alpha_i = 1 (Eq. 6 gives P(e_i) = 1 - A_i):
    A_1, A_i - A_{i-1}, 1 - A_N. A negative entry is an impossible probability."""
    _check_size(n)
    p_e = {k: 1 - A[k] for k in range(1, n + 1)}
    return [1 - p_e[1]] + [p_e[k - 1] - p_e[k] for k in range(2, n + 1)] + [p_e[n]]


def check_nested_errors(n: int | None = None) -> bool:
    """With every alpha_i = 1 (the errors of each state contained in those of every cheaper
    one), the expectation of Eq. 12 is Eq. 9: P(x_1) = A_1, P(x_i) = A_i - A_{i-1},
    P(x_f) = 1 - A_N."""

    def nested(m) -> sp.Expr:
        return eq12_cost(m).replace(lambda x: isinstance(x, sp.Indexed) and x.base == e, lambda x: 1 - A[x.indices[0]])

    return _holds(lambda m: nested(m) - eq9_cost(m), n)


SYMBOLIC_CHECKS: dict[str, Callable[..., bool]] = {
    "Eq. 5": check_eq5,
    "Eq. 7": check_eq7,
    "Eq. 8": check_eq8,
    "Eq. 9": check_eq9,
    "Eq. 10": check_eq10,
    "Eq. 11 (step curve)": check_eq11_step,
    "Sec. 4.2": check_adaptation_cost,
    "Eq. 15": check_eq15,
    "Eq. 16": check_eq16,
    "alpha = 1 (A.1)": check_nested_errors,
}


# ----------------------------------------------------------------- the checks as chapter 9 shows them

# What each symbolic check establishes: (for every N, by induction; for each N, sums written
# out). Eq. 5 and Eq. 7 are checked for each N from the joint distribution itself.
CLAIMS: dict[str, tuple[str, str]] = {
    "Eq. 5": ("Eq. 12 with the lemma's probabilities is Eq. 5",
              "the oracle over the 2^N atoms costs Eq. 5 and Eq. 12"),
    "Eq. 7": ("Eq. 5 with Eq. 6 substituted is Eq. 7",
              "the same, and Eq. 7 with the atoms' α_i is the oracle"),
    "Eq. 8": ("Eq. 7 with every α_i = α is Eq. 8, a segment in α",
              "the same, sums written out"),
    "Eq. 9": ("Eq. 8 at α = 1 is Eq. 9", "the same, sums written out"),
    "Eq. 10": ("Eq. 9 rearranged is Eq. 10", "the same, sums written out"),
    "Eq. 11 (step curve)": ("Eq. 9 is Eq. 11 of the step curve", "the same, sums written out"),
    "Sec. 4.2": ("Eq. 5 with the overheads is β_0 + (1 + β_1) R_oracle",
                 "the same, sums written out"),
    "Eq. 15": ("Eq. 15 is Eq. 9 of {S_1, S_N} and the first part of Eq. 10",
               "the same, sums written out"),
    "Eq. 16": ("R_oracle − R'_oracle is Eq. 16's difference, D (R_1 − threshold)",
               "the same, sums written out"),
    "alpha = 1 (A.1)": ("Eq. 12 with nested errors, P(e_i) = 1 − A_i, is Eq. 9",
                        "the same, sums written out"),
}


def holds_text(ok: bool) -> str:
    """How a self-check's outcome reads in its evidence: "holds" or "FAILS"."""
    return "holds" if ok else "FAILS"


class SymbolicRun:
    """The symbolic checks of :data:`SYMBOLIC_CHECKS`, each run once for every N (induction)
    and for each N in ``sizes``, kept for the summary: chapter 9's self-checks of Appendix A.2
    and of the identities of Sec. 2-4 (``steps`` gives one (claim, holds, evidence) per kind)."""

    def __init__(self, sizes) -> None:
        self.sizes = tuple(sizes)
        for n in self.sizes:
            _check_size(n)
        if not self.sizes:
            raise ValueError("sizes must hold at least one number of states (2, 3, ...)")
        self._results: dict[str, tuple[bool, dict[int, bool]]] = {}

    def result(self, name: str) -> tuple[bool, dict[int, bool]]:
        """(holds for every N, {N: holds} for each N of ``sizes``) of the result ``name``."""
        if name not in SYMBOLIC_CHECKS:
            raise ValueError(f"no symbolic check named {name!r}; known: {list(SYMBOLIC_CHECKS)}")
        if name not in self._results:
            check = SYMBOLIC_CHECKS[name]
            self._results[name] = (bool(check(None)), {n: bool(check(n)) for n in self.sizes})
        return self._results[name]

    def holds(self, name: str) -> bool:
        """Both checks of ``name`` hold: for every N and for each N of ``sizes``."""
        every, each = self.result(name)
        return every and all(each.values())

    @property
    def size_range(self) -> str:
        """The sizes as the reader reads them: "N = 2..6"."""
        low, high = min(self.sizes), max(self.sizes)
        return f"N = {low}" if low == high else f"N = {low}..{high}"

    def steps(self, name: str) -> list[tuple[str, bool, str]]:
        """The two checks of ``name`` as (claim, holds, evidence): for every N, for each N."""
        every, each = self.result(name)
        claim_every, claim_each = CLAIMS[name]
        evidence = ", ".join(f"N = {n}: {holds_text(ok)}" for n, ok in each.items())
        return [
            (f"{claim_every}, for every N (induction)", every,
             "D(2) = 0 and D(N + 1) − D(N) = 0 for the difference D(N) of the two sides"),
            (f"{claim_each}, {self.size_range}", all(each.values()), evidence),
        ]

    def each(self, claim: str, check: Callable[[int], bool]) -> tuple[str, bool, str]:
        """A further check ``check(n)`` run for each N of ``sizes``, as (claim, holds, evidence)."""
        results = {n: bool(check(n)) for n in self.sizes}
        evidence = ", ".join(f"N = {n}: {holds_text(ok)}" for n, ok in results.items())
        return f"{claim}, {self.size_range}", all(results.values()), evidence

    def summary_step(self, name: str, on_data: bool) -> tuple[str, bool, str]:
        """One line for the result ``name``: it holds for every N, for each N of ``sizes`` and on
        the data (``on_data``, the numeric check of :mod:`adaptlib.analysis.appendix_numeric`)."""
        every, each = self.result(name)
        evidence = (f"every N: {holds_text(every)}; {self.size_range}: {holds_text(all(each.values()))}; "
                    f"on the data: {holds_text(on_data)}")
        return (f"{name}: for every N, for {self.size_range} and on the data",
                bool(self.holds(name) and on_data), evidence)
