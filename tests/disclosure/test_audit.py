"""Tests for cprstats.disclosure.auditing: every table of a report or a run checked, and protected, together.

All reviews and tables here are synthetic. The expected failures are worked out by hand beside
each test; `Reader` is an independent linear program over the published numbers of a small
run (regions x periods), written here without the package's engine.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linprog

import cprstats
from cprstats.disclosure.auditing import FAILURE_COLUMNS, Published, _templates, audit, protect_together
from cprstats.disclosure.suppression import suppress
from cprstats.errors import ParameterError


def themes_frame(pre: int, pre_n: int, post: int, post_n: int) -> pd.DataFrame:
    """West Glamorgan reviews: ``pre`` of ``pre_n`` before Covid-19 and ``post`` of ``post_n`` after record escalation.

    (Recording, the other theme, is in the first 12 of each period.)
    """
    rows = []
    for period, k, size in (("pre_covid", pre, pre_n), ("post_covid", post, post_n)):
        for i in range(size):
            rows.append({"board": "WGSB", "period": period, "th_escalation": i < k, "th_recording": i < 12})
    df = pd.DataFrame(rows)
    for c in ("th_escalation", "th_recording"):
        df[c] = df[c].astype("boolean")
    codebook = cprstats.load_codebook()
    for c in codebook.field("themes").option_columns:
        if c not in df:
            df[c] = pd.array([False] * len(df), dtype="boolean")
    return df


def test_west_glamorgan_example_is_caught_and_fixed():
    # Notebook 03 for West Glamorgan before Covid-19 shows escalation in 7 of 20 reviews.
    # Notebook 04 tabulates all of West Glamorgan's reviews by period: post_covid 1 of 9 is
    # hidden, and pre_covid 7 with it (else 8 - 7 = 1 within the table), all 8 of 29 shown.
    # Together: post_covid = 8 - 7 = 1 (every review has a period: the by-period table says so).
    df = themes_frame(7, 20, 1, 9)
    themes_raw = cprstats.proportions(df[df.period == "pre_covid"], "themes")
    by_period_raw = cprstats.proportions(df, "themes", by="period")
    themes, by_period = suppress(themes_raw), suppress(by_period_raw)
    esc = themes["level"] == "escalation"
    assert themes.loc[esc, "count"].tolist() == [7]
    row = by_period[by_period.level == "escalation"].set_index("group")
    assert np.isnan(row.at["post_covid", "count"]) and row.at["all", "count"] == 8
    tables = [
        Published(themes, "themes", region="WGSB", period="pre_covid"),
        Published(by_period, "themes_by_period", region="WGSB"),
    ]
    found = audit(tables)
    assert list(found.columns) == list(FAILURE_COLUMNS)
    bad = found[(found.level == "escalation") & (found.group == "post_covid")]
    assert bad[["table", "quantity", "low", "high"]].values.tolist() == [["themes_by_period", "count", 1.0, 1.0]]
    # with the unsuppressed tables the audit knows which hidden cells are small: same verdict
    with_truth = [
        Published(themes, "themes", region="WGSB", period="pre_covid", original=themes_raw),
        Published(by_period, "themes_by_period", region="WGSB", original=by_period_raw),
    ]
    assert audit(with_truth)[["level", "group"]].values.tolist() == [["escalation", "post_covid"]]
    for given in (tables, with_truth):
        safe = protect_together(given)
        assert audit(safe).empty and audit([replace_original(s, g) for s, g in zip(safe, with_truth)]).empty
        fixed = safe[1].table[safe[1].table.level == "escalation"].set_index("group")
        # a period before its total: the 7 is hidden (in both tables)
        assert np.isnan(safe[0].table.loc[esc, "count"].iloc[0]) and np.isnan(fixed.at["post_covid", "count"])
        assert safe[0].table.loc[~esc, "count"].equals(themes.loc[~esc, "count"])  # nothing else moved
        assert safe[1].table.attrs["disclosure"]["protected_together"] is True
    # Knowing the counts, that is enough: post_covid is then 0..8. Not knowing them, the audit
    # must also keep 9 - post_covid (the reviews without escalation) from being seen as 1..9,
    # which could be a small count for all it knows, so the 8 goes too.
    assert fixed.at["all", "count"] == 8 and np.isnan(protect_together(tables)[1].table["count"].iloc[11])


def replace_original(safe: Published, given: Published) -> Published:
    return Published(safe.table, safe.name, safe.region, safe.period, safe.by, given.original)


def one_group(variable, level, count, n):
    return pd.DataFrame({"variable": variable, "level": level, "group": "all", "count": [count], "n": [n]})


def test_all_is_pre_plus_post():
    # Three Mid and West Wales reports (synthetic), each suppressed on its own: toxic trio 3 of
    # 12 before Covid-19 (hidden), 10 of 16 after, 13 of 28 in all. 12 + 16 = 28 reviews, so
    # every review has a period, and 13 - 10 = 3 gives the hidden count back.
    raw = [one_group("flag", "true", *c) for c in ((3, 12), (10, 16), (13, 28))]
    pre, post, whole = (suppress(t) for t in raw)
    assert pre["suppressed"].tolist() == [True] and not post["suppressed"].any() and not whole["suppressed"].any()
    names = [("pre", "pre_covid"), ("post", "post_covid"), ("all", "all")]
    tables = [Published(t, name, region="MWW", period=p) for t, (name, p) in zip((pre, post, whole), names)]
    found = audit(tables)
    assert found[["table", "quantity", "low", "high"]].values.tolist() == [["pre", "count", 3.0, 3.0]]
    # knowing the counts: a period's count is hidden before the total's, so the 10 goes, and the 13 stays
    known = [Published(t.table, t.name, t.region, t.period, original=r) for t, r in zip(tables, raw)]
    safe = protect_together(known)
    assert audit(safe).empty
    assert np.isnan(safe[1].table["count"].iloc[0]) and safe[2].table["count"].iloc[0] == 13
    # not knowing them, the hidden 10 could be seen as 1..13 and may be small for all the audit
    # knows: the 13 is hidden as well
    blind = protect_together(tables)
    assert audit(blind).empty and [t.table["count"].isna().iloc[0] for t in blind] == [True, True, True]


def test_wales_is_the_sum_of_the_boards():
    # An all-Wales report is not suppressed: toxic trio 12 of 40. Two boards' reports: MWW 3
    # of 15 (hidden), CAV 9 of 25. No other board has reviews (their n are 0 in the Wales
    # report by board) and 15 + 25 = 40, so MWW = 12 - 9 = 3.
    wales = suppress(one_group("flag", "true", 12, 40), 1, restricted=True)
    mww = suppress(one_group("flag", "true", 3, 15))
    cav = suppress(one_group("flag", "true", 9, 25))
    tables = [
        Published(wales, "wales"),
        Published(mww, "mww", region="MWW"),
        Published(cav, "cav", region="CAV"),
    ]
    found = audit(tables)
    assert found[["table", "low", "high"]].values.tolist()[0][0] == "mww"
    assert found["low"].iloc[0] > 0  # the other boards may hold some of the 12: 0 .. 3 is not enough
    raw = [one_group("flag", "true", *c) for c in ((12, 40), (3, 15), (9, 25))]
    known = [Published(t.table, t.name, t.region, t.period, original=r) for t, r in zip(tables, raw)]
    safe = protect_together(known)
    assert audit(safe).empty and audit(protect_together(tables)).empty
    assert safe[0].table["count"].iloc[0] == 12  # Wales stays; CAV's 9 is hidden
    assert np.isnan(safe[2].table["count"].iloc[0])
    # the Wales report by board publishes every board's n: now MWW = 12 - 9 exactly
    by_board = pd.DataFrame(
        {
            "variable": "flag",
            "level": "true",
            "group": ["NWSB", "MWW", "WGSB", "CTM", "CAV", "GWENT", "all"],
            "count": [0.0, np.nan, 0.0, 0.0, np.nan, 0.0, 12.0],
            "n": [0.0, 15.0, 0.0, 0.0, 25.0, 0.0, 40.0],
        }
    )
    tables.append(Published(by_board, "by_board", by="board"))
    found = audit(tables)
    assert ["mww", "count", 3.0, 3.0] in found[["table", "quantity", "low", "high"]].values.tolist()
    assert audit(protect_together(tables)).empty


def test_derived_bands_are_related():
    # Mid and West Wales (synthetic): McManus bands 0-3 months 12, 4-11 months 2 (hidden, with
    # 1-4 years 9 hidden to protect it), 5-9 years 13; the England bands' under 1 is 14 = 12 + 2
    # (and 1-5 years 12 = 9 + 3 of the 5-9 year olds, 6-10 years the other 10).
    mcmanus = pd.DataFrame(
        {
            "variable": "age_band_mcmanus",
            "level": cprstats.load_codebook().field("age_band_mcmanus").codes,
            "group": "all",
            "count": [12, 2, 9, 13, 0, 0, 0, 0],
            "n": 36,
        }
    )
    england = pd.DataFrame(
        {
            "variable": "age_band_england",
            "level": cprstats.load_codebook().field("age_band_england").codes,
            "group": "all",
            "count": [14, 12, 10, 0, 0],
            "n": 36,
        }
    )
    s_mc, s_en = suppress(mcmanus), suppress(england)
    assert s_mc["suppressed"].tolist()[:4] == [False, True, True, False] and not s_en["suppressed"].any()
    tables = [Published(s_mc, "mcmanus", region="MWW"), Published(s_en, "england", region="MWW")]
    found = audit(tables)
    got = found.set_index("level")
    assert got.at["m4_11", "low"] == 2 and got.at["m4_11", "high"] == 2
    assert audit(protect_together(tables)).empty


def test_derived_any_is_related():
    # Parental substance misuse (alcohol or drugs) in 9 reviews, alcohol misuse in 6: drug
    # misuse, hidden as 3, is then at least 9 - 6 = 3.
    risks = pd.DataFrame(
        {"variable": "parental_risks", "level": ["alcohol_misuse", "drug_misuse", "mental_health"],
         "group": "all", "count": [6, 3, 12], "n": 30}
    )  # fmt: skip
    psm = one_group("parental_substance_misuse", "true", 9, 30)
    tables = [Published(suppress(risks), "risks", region="CAV"), Published(suppress(psm), "psm", region="CAV")]
    found = audit(tables)
    assert found[["level", "quantity", "low"]].values.tolist()[0] == ["drug_misuse", "count", 3.0]
    assert audit(protect_together(tables)).empty


def test_codebook_derivations_become_relations():
    cb = cprstats.load_codebook()
    # "all of several counted sources": a compare (>= the number of sources) on a count
    counted = [f for f in cb.fields.values() if f.derived and f.derived["method"] == "count"]
    all_of = [
        f.name
        for f in cb.fields.values()
        if f.derived
        and f.derived["method"] == "compare"
        and f.derived["from"][0] in {c.name for c in counted}
        and f.derived.get("op", ">=") == ">="
        and f.derived["value"] == len(cb.field(f.derived["from"][0]).derived["from"])
    ]
    assert all_of, "the codebook has no 'all of the counted sources' variable any more"
    present = {v: set() for v in ("has_siblings", "large_sibling_group", "youngest", "birth_position")}
    present |= {v: set() for v in ("parental_risks", "parental_substance_misuse", *all_of)}
    rel = {(frozenset(m), s) for m, s in _templates(cb, present)}

    def has(members, sense):
        return (frozenset(members), sense) in rel

    # large sibling group (n_siblings >= 2) is inside has siblings (n_siblings >= 1); same denominators
    assert has({("x", "large_sibling_group", "true", 1.0), ("x", "has_siblings", "true", -1.0)}, "le")
    assert has({("n", "has_siblings", None, 1.0), ("n", "large_sibling_group", None, -1.0)}, "eq")
    # youngest = birth position "youngest"; its n = birth position's n - only - unknown
    assert has({("x", "youngest", "true", 1.0), ("x", "birth_position", "youngest", -1.0)}, "eq")
    n_rel = {("n", "youngest", None, 1.0), ("n", "birth_position", None, -1.0)}
    assert has(n_rel | {("x", "birth_position", "only", 1.0), ("x", "birth_position", "unknown", 1.0)}, "eq")
    # substance misuse: alcohol or drugs, so at least each and at most their sum
    psm = ("x", "parental_substance_misuse", "true")
    assert has({("x", "parental_risks", "alcohol_misuse", 1.0), (*psm, -1.0)}, "le")
    assert has(
        {(*psm, 1.0), ("x", "parental_risks", "alcohol_misuse", -1.0), ("x", "parental_risks", "drug_misuse", -1.0)},
        "le",
    )
    # all of the counted sources: at most each of them (mental health is one)
    assert has({("x", all_of[0], "true", 1.0), ("x", "parental_risks", "mental_health", -1.0)}, "le")
    # a table of sibling group sizes: has siblings >= the sizes 2 and more
    present["sibling_group_size"] = {"1", "2", "3"}
    rel = {(frozenset(m), s) for m, s in _templates(cb, present)}
    sizes = {("x", "sibling_group_size", "2", 1.0), ("x", "sibling_group_size", "3", 1.0)}
    assert has(sizes | {("x", "has_siblings", "true", -1.0)}, "le")


def test_the_same_cell_twice_and_co_occurrence_diagonals():
    # A themes table shows escalation 3 (say an all-Wales-style table under a restricted run);
    # the co-occurrence table of the same reviews hides its diagonal 3: the same number.
    themes = suppress(one_group("themes", "escalation", 3, 20), 1, restricted=True)
    pairs = pd.DataFrame(
        {
            "variable": "themes",
            "level": ["escalation", "escalation", "recording"],
            "group": ["escalation", "recording", "recording"],
            "count": [np.nan, np.nan, 12.0],
            "n": 20.0,
        }
    )
    found = audit([Published(themes, "themes", region="MWW"), Published(pairs, "together", region="MWW")])
    got = found.set_index(["level", "group"])
    assert got.loc[("escalation", "escalation"), "low"] == 3 and got.loc[("escalation", "escalation"), "high"] == 3
    # the pair is at most escalation's 3, and so narrowed too
    assert got.loc[("escalation", "recording"), "high"] == 3


def test_a_secondary_cell_judged_with_and_without_the_counts():
    # A boolean by board: MWW 3 of 11 (small) and CAV 10 of 40 both hidden, all 13 of 51 shown.
    # MWW can be 0..11: protected. CAV is 2..13: it is 10, not small, so with the counts known
    # that is fine; without them the audit cannot tell it from a small count seen as 2..13.
    raw = pd.DataFrame(
        {"variable": "flag", "level": "true", "group": ["MWW", "CAV", "all"], "count": [3, 10, 13],
         "n": [11, 40, 51]}
    )  # fmt: skip
    pub = raw.assign(count=[np.nan, np.nan, 13.0], suppressed=[True, True, False])
    blind = audit([Published(pub, "t", by="board")])
    assert blind[["group", "low", "high"]].values.tolist() == [["CAV", 2.0, 13.0]]
    assert audit([Published(pub, "t", by="board", original=raw)]).empty


def test_bad_input_is_named():
    t = one_group("flag", "true", 10.0, 20.0)
    with pytest.raises(ParameterError, match="list of published tables"):
        audit(t)
    with pytest.raises(ParameterError, match="region='Gwen'"):
        audit([Published(t, "t", region="Gwen")])
    with pytest.raises(ParameterError, match="lacks the column"):
        audit([Published(t.drop(columns="n"), "t")])
    with pytest.raises(ParameterError, match="not from the same data"):
        audit([Published(t, "a", region="MWW"), Published(t.assign(count=11.0), "b", region="MWW")])
    with pytest.raises(ParameterError, match="no 'by'"):
        audit([Published(t.assign(group="x"), "t")])
    with pytest.raises(ParameterError, match="threshold"):
        audit([Published(t, "t")], threshold=0)


# ------------------------------------------------------------------ an independent reader of a small run
class Reader:
    """A reader of every table of a run over two boards' and Wales's reports (for all, pre and
    post Covid-19), of one variable: counts and n per (region, period). Knowledge: every
    review has a period, so the periods add up to all; Wales is MWW + CAV + the reviews of
    other boards or none (unknown, obeying the same row rules); each region and period's
    levels add up to n (single choice) or are each at most n."""

    REGIONS = ("wales", "MWW", "CAV")
    PERIODS = ("all", "pre_covid", "post_covid")

    def __init__(self, tables, levels, additive):
        known = {}
        for pub in tables:
            for r in pub.table.itertuples():
                if not np.isnan(r.count):
                    known[("x", r.level, pub.region, pub.period)] = r.count
                if not np.isnan(r.n):
                    known[("n", pub.region, pub.period)] = r.n
        regions = (*self.REGIONS, "other")
        cells = [("x", lv, g, p) for lv in levels for g in regions for p in self.PERIODS]
        cells += [("n", g, p) for g in regions for p in self.PERIODS]
        rels = []
        for key in [("x", lv) for lv in levels] + [("n",)]:
            for p in self.PERIODS:
                rels.append(
                    ({(*key, "MWW", p): 1, (*key, "CAV", p): 1, (*key, "other", p): 1, (*key, "wales", p): -1}, "eq")
                )
            for g in regions:
                rels.append(({(*key, g, "pre_covid"): 1, (*key, g, "post_covid"): 1, (*key, g, "all"): -1}, "eq"))
        for g, p in itertools.product(regions, self.PERIODS):
            if additive:
                rels.append(({("x", lv, g, p): 1 for lv in levels} | {("n", g, p): -1}, "eq"))
            else:
                rels += [({("x", lv, g, p): 1, ("n", g, p): -1}, "le") for lv in levels]
        self.known = known
        self.idx = {k: i for i, k in enumerate(k for k in cells if k not in known)}
        A_eq, b_eq, A_ub, b_ub = [], [], [], []
        for coefs, sense in rels:
            row, rhs = np.zeros(len(self.idx)), 0.0
            for k, c in coefs.items():
                if k in self.idx:
                    row[self.idx[k]] += c
                else:
                    rhs -= c * known[k]
            if row.any():
                (A_eq if sense == "eq" else A_ub).append(row)
                (b_eq if sense == "eq" else b_ub).append(rhs)
        self.kw = {"A_eq": np.array(A_eq) if A_eq else None, "b_eq": b_eq or None,
                   "A_ub": np.array(A_ub) if A_ub else None, "b_ub": b_ub or None,
                   "bounds": [(0, 1e5)] * len(self.idx), "method": "highs"}  # fmt: skip

    def range(self, coefs):
        c, const = np.zeros(len(self.idx)), 0.0
        for k, a in coefs.items():
            if k in self.idx:
                c[self.idx[k]] += a
            else:
                const += a * self.known[k]
        if not c.any():
            return const, const
        lo, hi = linprog(c, **self.kw), linprog(-c, **self.kw)
        assert lo.status == 0 and hi.status == 0
        return lo.fun + const, -hi.fun + const


def small_run(rng, variable):
    size = int(rng.integers(15, 45))
    df = pd.DataFrame(
        {
            "board": rng.choice(["MWW", "CAV", "NWSB"], size, p=[0.45, 0.45, 0.1]),
            "period": rng.choice(["pre_covid", "post_covid"], size),
        }
    )
    if variable == "outcome":
        df["outcome"] = pd.Categorical(
            rng.choice(["death", "life_threatening_injury", "other"], size, p=[0.6, 0.3, 0.1])
        )
    else:
        df["flag"] = pd.array(rng.random(size) < rng.uniform(0.05, 0.4), dtype="boolean")
    tables = []
    for region, period in itertools.product(Reader.REGIONS, Reader.PERIODS):
        part = df[((df.board == region) | (region == "wales")) & ((df.period == period) | (period == "all"))]
        raw = cprstats.proportions(part, variable).loc[:, ["variable", "level", "group", "count", "n"]]
        safe = suppress(raw, 1, restricted=True) if region == "wales" else suppress(raw)  # Wales is not suppressed
        tables.append(Published(safe, f"{region}_{period}", region=region, period=period, original=raw))
    return tables


def assert_reader_cannot_narrow(safe, given, additive):
    levels = list(pd.unique(given[0].table["level"]))
    reader = Reader(safe, levels, additive)
    for pub, before in zip(safe, given):
        if pub.region == "wales":
            continue
        for r, orig in zip(pub.table.itertuples(), before.original.itertuples()):
            x, n, m = orig.count, orig.n, min(4, orig.n)
            checks = []
            if 1 <= x <= 4:
                checks.append({("x", r.level, pub.region, pub.period): 1})
            if not additive and x >= 1 and 1 <= n - x <= 4:
                checks.append({("n", pub.region, pub.period): 1, ("x", r.level, pub.region, pub.period): -1})
            if 1 <= n <= 4:
                checks.append({("n", pub.region, pub.period): 1})
            for coefs in checks:
                assert r.suppressed, (pub.name, r.level, x, n)
                lo, hi = reader.range(coefs)
                assert lo <= 1e-6 and hi >= m - 1e-6, (pub.name, r.level, x, n, coefs, lo, hi)


@pytest.mark.parametrize("variable", ["outcome", "flag"])
def test_protect_together_passes_an_independent_reader(variable):
    # Random small runs (synthetic): nine reports, each suppressed on its own (Wales not at
    # all), then protected together, knowing the counts or not. An independent reader of all
    # nine can narrow no hidden small count, denominator or complement.
    rng = np.random.default_rng(20240313 + len(variable))
    additive = variable == "outcome"
    exposed_before = 0
    for _ in range(5):
        tables = small_run(rng, variable)
        exposed_before += len(audit(tables, exhaustive=["period"]))
        blind = [Published(t.table, t.name, t.region, t.period) for t in tables]
        for given in (tables, blind):
            safe = protect_together(given, exhaustive=["period"])
            assert audit(safe, exhaustive=["period"]).empty
            assert_reader_cannot_narrow(safe, tables, additive)
    assert exposed_before > 0  # the runs do exercise linked tables
