"""The symbolic and numeric checks of chapter 9 hold, and fail when an identity is broken."""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import sympy as sp

import adaptlib
from adaptlib.analysis import appendix_numeric as pn
from adaptlib.analysis import appendix_proofs as proofs
from adaptlib.core import bounds, oracle
from adaptlib.core.states import OperatingPoint, StateSpace
from adaptlib.datasets.digits import FAMILIES, load_family

SIZES = (None, 2, 3, 4, 5)


# ----------------------------------------------------------------- symbolic: they hold


@pytest.mark.parametrize("name", list(proofs.SYMBOLIC_CHECKS))
@pytest.mark.parametrize("n", SIZES)
def test_symbolic_check_holds(name, n):
    assert proofs.SYMBOLIC_CHECKS[name](n) is True


def test_lemmas_hold():
    assert proofs.check_event_partition()
    assert proofs.check_greedy_gain()
    assert proofs.check_eq11_by_parts()
    assert all(proofs.check_eq11_piecewise_linear(n) for n in (2, 3, 4))
    assert all(proofs.check_eq10_savings_nonnegative(n) for n in (2, 3, 4))


def test_eq5_holds_from_the_joint_distribution_at_six_states():
    assert proofs.check_eq5(6) and proofs.check_eq7(6)


# ----------------------------------------------------------------- symbolic: they can fail


def test_vanishes_and_induction_reject_false_identities():
    R, A, i, N = proofs.R, proofs.A, proofs.i, proofs.N
    assert not proofs.vanishes(R[1] + R[2] - 2 * R[1])
    assert not proofs.vanishes(sp.Sum(A[i], (i, 2, N)) - A[N])
    # true at N = 2, false from N = 3 on: the induction step must catch it
    assert proofs.vanishes((sp.Sum(A[i], (i, 2, N)) - A[N]).subs(N, 2))
    assert not proofs.by_induction(lambda n: sp.Sum(A[i], (i, 2, n)) - A[n])
    assert proofs.by_induction(lambda n: sp.Sum(A[i] - A[i - 1], (i, 2, n)) - (A[n] - A[1]))


def test_written_out_sums_follow_sympy_and_karrs_convention():
    A, i = proofs.A, proofs.i
    for low, high in [(2, 5), (3, 2), (4, 1), (2, 2)]:
        s = sp.Sum(A[i] * A[i - 1], (i, low, high))
        assert sp.expand(proofs.written_out(s) - s.doit()) == 0
    assert proofs.written_out(sp.Sum(A[i], (i, 3, 2))) == 0
    assert proofs.written_out(sp.Sum(A[i], (i, 2, proofs.N))) == sp.Sum(A[i], (i, 2, proofs.N))


def test_aligned_sums_cancel_only_when_they_telescope():
    R, A, i, N = proofs.R, proofs.A, proofs.i, proofs.N
    shifted = sp.Sum(A[i + 1] * R[i], (i, 1, N)) - sp.Sum(A[i] * R[i - 1], (i, 2, N + 1))
    assert proofs._align_sums(sp.expand(proofs._split_sums(shifted))) == 0
    one_short = sp.Sum(A[i + 1] * R[i], (i, 1, N)) - sp.Sum(A[i] * R[i - 1], (i, 3, N + 1))
    assert proofs._align_sums(sp.expand(proofs._split_sums(one_short))) == A[2] * R[1]
    assert not proofs.vanishes(one_short)
    # a symbolic gap between the lower limits is left to sympy, not guessed at
    m = sp.Symbol("m", integer=True)
    assert not proofs.vanishes(sp.Sum(A[i], (i, 1, N)) - sp.Sum(A[i], (i, m, N)))


def test_definite_integral_of_a_polynomial():
    x, a, b = sp.symbols("x a b")
    assert sp.expand(proofs.definite_integral(3 * x**2 + a, x, 0, b) - (b**3 + a * b)) == 0


def test_the_piecewise_linear_check_fails_with_a_wrong_integral(monkeypatch):
    original = proofs.definite_integral
    monkeypatch.setattr(proofs, "definite_integral", lambda f, x, low, high: original(f, x, 0, high))
    assert not proofs.check_eq11_piecewise_linear(3)


def test_the_proofs_slip_fails_check_eq7():
    assert proofs.check_eq7(2, proofs.eq7_cost_as_in_proof)  # the sum is empty at N = 2
    assert not proofs.check_eq7(None, proofs.eq7_cost_as_in_proof)
    assert not proofs.check_eq7(3, proofs.eq7_cost_as_in_proof)


def test_eq16_with_r_n_fails_beyond_two_states():
    assert proofs.check_eq16(2, proofs.R[2])
    assert not proofs.check_eq16(None, proofs.R[proofs.N])
    assert not proofs.check_eq16(3, proofs.R[3])


@pytest.mark.parametrize("n", (None, 3))
@pytest.mark.parametrize(
    "builder, check",
    [
        ("eq5_cost", "check_eq5"),
        ("eq7_cost", "check_eq7"),
        ("eq8_cost", "check_eq8"),
        ("eq9_cost", "check_eq9"),
        ("eq10_cost", "check_eq10"),
        ("step_integral", "check_eq11_step"),
        ("eq15_cost", "check_eq15"),
        ("eq16_difference", "check_eq16"),
        ("eq12_cost", "check_nested_errors"),
    ],
)
def test_breaking_a_formula_breaks_its_symbolic_check(monkeypatch, builder, check, n):
    original = getattr(proofs, builder)
    monkeypatch.setattr(proofs, builder, lambda m, *args: original(m, *args) + proofs.R[2] * proofs.A[1])
    assert getattr(proofs, check)(n) is False


def test_breaking_eq5_breaks_the_adaptation_identity(monkeypatch):
    # weights that no longer sum to one: the overheads then do not pass through
    original = proofs.eq5_cost
    monkeypatch.setattr(proofs, "eq5_cost", lambda m: original(m) + proofs.R[1] * proofs.e[1])
    assert not proofs.check_adaptation_cost(None)
    assert not proofs.check_adaptation_cost(3)


def test_joint_model_is_a_distribution():
    model = proofs.joint_model(3)
    assert sp.expand(model["cost"].subs({proofs.R[k]: 1 for k in (1, 2, 3)})) == 1
    assert sp.expand(model["p_e"][1] + model["acc"][1]) == 1


@pytest.mark.parametrize("bad", (1, 0, True, 2.0, "3"))
def test_sizes_are_validated(bad):
    with pytest.raises(ValueError, match="n .the number of states."):
        proofs.check_eq5(bad)


def test_alpha_one_implies_the_accuracy_steps():
    A = proofs.A
    assert proofs.alpha_one_first_correct(3) == [A[1], A[2] - A[1], A[3] - A[2], 1 - A[3]]


# ----------------------------------------------------------------- numeric: measure()


def test_measure_by_hand():
    correct = np.array([[1, 0], [0, 1], [0, 0], [1, 1]], dtype=bool)
    m = pn.measure(correct, [1.0, 3.0])
    assert m.cost == pytest.approx((1 + 3 + 1 + 1) / 4)
    assert m.accuracy == pytest.approx(0.75)
    np.testing.assert_allclose(m.p_e, [0.5, 0.25])
    np.testing.assert_allclose(m.p_first, [0.5, 0.25])
    assert m.p_none == pytest.approx(0.25)
    assert np.isnan(m.alpha[0]) and m.alpha[1] == pytest.approx(0.5)


def test_measure_refuses_bad_input():
    with pytest.raises(ValueError, match="ascending"):
        pn.measure(np.ones((2, 2), dtype=bool), [3.0, 1.0])
    with pytest.raises(ValueError, match="boolean"):
        pn.measure(np.ones((2, 2)), [1.0, 3.0])


def test_nested_correctness_has_alpha_one_and_needs_monotone_accuracy():
    nested = pn.nested_correctness([0.5, 0.75, 1.0], 4)
    result = oracle.exact_oracle(nested, [1.0, 2.0, 3.0])
    np.testing.assert_allclose(result.alpha[1:2], [1.0])
    with pytest.raises(ValueError, match="Eq. 3"):
        pn.nested_correctness([0.8, 0.5], 10)


def test_refined_space_keeps_the_states_and_adds_points():
    space = StateSpace.from_arrays(["a", "b", "c"], [1.0, 3.0, 7.0], [0.2, 0.6, 0.8])
    assert np.allclose(pn.refined_space(space, 1).costs, space.costs)
    refined = pn.refined_space(space, 4)
    assert len(refined) == 9 and np.isclose(refined.accuracies[4], 0.6)


def test_guesser_space_needs_a_second_state_above_chance():
    space = StateSpace.from_arrays(["a", "b", "c"], [1.0, 3.0, 7.0], [0.05, 0.08, 0.9])
    with pytest.raises(ValueError, match="A_2 >= 1/C"):
        pn.guesser_space(space, 10)


# ----------------------------------------------------------------- numeric: they hold on real data


@pytest.fixture(scope="module", params=FAMILIES)
def family(request):
    fam = load_family(request.param)
    space = fam.space
    return fam, (space if space.assumptions().accuracies_monotone else space.pareto())


def test_numeric_checks_hold_on_every_family(family):
    fam, space = family
    assert pn.numeric_eq5(fam.correct, fam.costs)
    assert pn.numeric_eq7(fam.correct, fam.costs)
    assert pn.numeric_eq8(space)
    assert pn.numeric_eq9(space, fam.correct.shape[0])
    assert pn.numeric_eq10(space)
    assert pn.numeric_eq11(space)
    assert pn.numeric_adaptation_cost(fam.correct, fam.costs, 100.0, 0.1)
    assert pn.numeric_eq15(space)
    assert pn.numeric_eq16(space, 10)


# ----------------------------------------------------------------- numeric: they can fail


def _shifted_point(func):
    def broken(*args, **kwargs):
        point = func(*args, **kwargs)
        return OperatingPoint(point.cost * 1.001 + 1e-6, point.accuracy)
    return broken


def _shifted_field(func, field):
    def broken(*args, **kwargs):
        result = func(*args, **kwargs)
        return dataclasses.replace(result, **{field: getattr(result, field) * 1.001 + 1e-6})
    return broken


@pytest.fixture(scope="module")
def width():
    fam = load_family("width")
    return fam.correct, fam.costs, fam.space, fam.correct.shape[0]


@pytest.mark.parametrize(
    "module, name, breaker, check",
    [
        (bounds, "eq5_oracle", _shifted_point, "eq5"),
        (oracle, "exact_oracle", lambda f: _shifted_field(f, "cost"), "eq5"),
        (bounds, "eq6_p_e", lambda f: (lambda *a: f(*a) * 1.01), "eq7"),
        (bounds, "eq7_oracle", _shifted_point, "eq7"),
        (bounds, "eq8_constant_alpha", _shifted_point, "eq8"),
        (bounds, "eq9_conservative", _shifted_point, "eq9"),
        (bounds, "eq10_terms", lambda f: _shifted_field(f, "dynamic_range"), "eq10"),
        (bounds, "eq11_continuous", _shifted_point, "eq11"),
        (bounds, "adapted_oracle_cost", lambda f: (lambda *a: f(*a) + 1.0), "adaptation"),
        (bounds, "adaptation_costs", lambda f: (lambda *a: f(*a) * 1.01), "adaptation"),
        (bounds, "eq15_two_state", _shifted_point, "eq15"),
        (bounds, "eq16_smallest_state", lambda f: _shifted_field(f, "threshold_r2"), "eq16"),
        (bounds, "eq16_smallest_state", lambda f: _shifted_field(f, "cost_with_guesser"), "eq16"),
    ],
)
def test_breaking_adaptlib_breaks_the_numeric_check(monkeypatch, width, module, name, breaker, check):
    correct, costs, space, n = width
    run = {
        "eq5": lambda: pn.numeric_eq5(correct, costs),
        "eq7": lambda: pn.numeric_eq7(correct, costs),
        "eq8": lambda: pn.numeric_eq8(space),
        "eq9": lambda: pn.numeric_eq9(space, n),
        "eq10": lambda: pn.numeric_eq10(space),
        "eq11": lambda: pn.numeric_eq11(space),
        "adaptation": lambda: pn.numeric_adaptation_cost(correct, costs, 100.0, 0.1),
        "eq15": lambda: pn.numeric_eq15(space),
        "eq16": lambda: pn.numeric_eq16(space, 10),
    }[check]
    assert run() is True
    monkeypatch.setattr(module, name, breaker(getattr(module, name)))
    assert run() is False


def test_the_proofs_slipped_eq7_fails_the_numeric_check(monkeypatch, width):
    from adaptlib.analysis import errata

    correct, costs, _, _ = width

    def slipped(r, acc, alpha_values):
        return OperatingPoint(errata.eq7_as_in_proof(r, acc, alpha_values), 1.0 - alpha_values[-1] * (1 - acc[-1]))

    monkeypatch.setattr(bounds, "eq7_oracle", slipped)
    assert pn.numeric_eq7(correct, costs) is False


# ----------------------------------------------------------------- chapter 9's "what breaks" claims


def test_shuffling_a_column_keeps_eq9_but_changes_the_oracle(width):
    correct, costs, space, _ = width
    shuffled = correct.copy()
    shuffled[:, -1] = np.random.default_rng(0).permutation(shuffled[:, -1])
    before, after = oracle.exact_oracle(correct, costs), oracle.exact_oracle(shuffled, costs)
    np.testing.assert_allclose(after.space.accuracies, before.space.accuracies)
    assert bounds.eq9_conservative(after.space).cost == pytest.approx(bounds.eq9_conservative(before.space).cost)
    assert after.cost != pytest.approx(before.cost)


def test_eq5_in_the_wrong_order_overcharges(width):
    correct, costs, _, _ = width
    p_e = pn.measure(correct[:, ::-1], np.zeros(len(costs))).p_e
    assert adaptlib.eq5_oracle(costs[::-1], p_e).cost > oracle.exact_oracle(correct, costs).cost
    assert oracle.exact_oracle(correct[:, ::-1], costs[::-1]).cost == pytest.approx(oracle.exact_oracle(correct, costs).cost)


def test_non_monotone_space_implies_negative_probabilities_and_is_refused():
    mixed = load_family("mixed").space
    values = sp.lambdify([proofs.A[k] for k in range(1, len(mixed) + 1)],
                         proofs.alpha_one_first_correct(len(mixed)))(*mixed.accuracies)
    assert min(values) < 0
    with pytest.raises(ValueError, match="Eq. 3"):
        bounds.eq9_conservative(mixed)
    fam = load_family("mixed")
    assert 0 < oracle.exact_oracle(fam.correct, fam.costs).cost


def test_a_free_guesser_beats_the_oracle_of_the_space(width):
    correct, costs, _, n = width
    guess = np.random.default_rng(0).random(n) < 0.1
    assert (oracle.exact_oracle(np.column_stack([guess, correct]), np.r_[0.0, costs]).cost
            < oracle.exact_oracle(correct, costs).cost)


# ----------------------------------------------------------------- as chapter 9 shows them


def test_event_partition_steps_are_the_lemma():
    steps = proofs.event_partition_steps()
    assert len(steps) == 3 and all(ok is True for _, ok in steps)
    assert proofs.check_event_partition() is all(ok for _, ok in steps)


def test_symbolic_run_runs_each_check_once_and_reports_both_kinds(monkeypatch):
    calls = []
    original = proofs.SYMBOLIC_CHECKS["Eq. 10"]
    monkeypatch.setitem(proofs.SYMBOLIC_CHECKS, "Eq. 10", lambda n: calls.append(n) or original(n))
    run = proofs.SymbolicRun((2, 3))
    (every, _, _), (each, ok, evidence) = run.steps("Eq. 10")
    assert "every N" in every and each.endswith("N = 2..3") and ok is True
    assert evidence == "N = 2: holds, N = 3: holds"
    assert run.holds("Eq. 10") and run.summary_step("Eq. 10", True)[1] is True
    assert run.summary_step("Eq. 10", False)[1] is False
    assert sorted(calls, key=str) == [2, 3, None]  # memoised: three calls in all
    label, ok, _ = run.each("savings", proofs.check_eq10_savings_nonnegative)
    assert label == "savings, N = 2..3" and ok is True


def test_symbolic_run_says_fails_when_a_formula_is_broken(monkeypatch):
    original = proofs.eq10_cost
    monkeypatch.setattr(proofs, "eq10_cost", lambda m: original(m) + proofs.R[2] * proofs.A[1])
    steps = proofs.SymbolicRun((3,)).steps("Eq. 10")
    assert [ok for _, ok, _ in steps] == [False, False]
    assert "N = 3: FAILS" in steps[1][2]


def test_symbolic_run_validates():
    with pytest.raises(ValueError, match="no symbolic check"):
        proofs.SymbolicRun((2,)).result("Eq. 99")
    with pytest.raises(ValueError, match="n .the number of states."):
        proofs.SymbolicRun((1,))
    assert set(proofs.CLAIMS) == set(proofs.SYMBOLIC_CHECKS)


def test_each_numeric_check_is_all_of_its_steps(width):
    correct, costs, space, n = width
    pairs = [
        (pn.steps_eq5(correct, costs), pn.numeric_eq5(correct, costs)),
        (pn.steps_eq7(correct, costs), pn.numeric_eq7(correct, costs)),
        (pn.steps_eq8(space), pn.numeric_eq8(space)),
        (pn.steps_eq9(space, n), pn.numeric_eq9(space, n)),
        (pn.steps_eq10(space), pn.numeric_eq10(space)),
        (pn.steps_eq11(space), pn.numeric_eq11(space)),
        (pn.steps_adaptation_cost(correct, costs, 100.0, 0.1), pn.numeric_adaptation_cost(correct, costs, 100.0, 0.1)),
        (pn.steps_eq15(space), pn.numeric_eq15(space)),
        (pn.steps_eq16(space, 10), pn.numeric_eq16(space, 10)),
    ]
    for steps, overall in pairs:
        assert overall is True
        assert all(isinstance(label, str) and ok is True and isinstance(evidence, str) for label, ok, evidence in steps)


def test_a_broken_function_fails_exactly_its_step(monkeypatch, width):
    correct, costs, _, _ = width
    monkeypatch.setattr(bounds, "eq5_oracle", _shifted_point(bounds.eq5_oracle))
    steps = pn.steps_eq5(correct, costs)
    assert [ok for _, ok, _ in steps] == [True, False, True]
    assert " vs " in steps[1][2]
