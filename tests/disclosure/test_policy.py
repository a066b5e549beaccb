"""Tests for cprstats.disclosure.policy: suppression on by default below all-Wales, opt-out logged.

The rule tested is DESIGN.md "Disclosure control defaults": on by default for any output
below all-Wales level; an explicit, logged opt-out. All tables are synthetic.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd
import pytest

from cprstats.disclosure.policy import DisclosurePolicy, disclosure_policy
from cprstats.errors import ParameterError


def table(levels, group, counts, n):
    return pd.DataFrame({"variable": "x", "level": levels, "group": group, "count": counts, "n": n})


def test_policy_is_on_below_wales_and_off_for_wales():
    assert disclosure_policy("MWW").suppress is True
    assert disclosure_policy("cardiff").suppress is True
    assert disclosure_policy("wales").suppress is False
    assert disclosure_policy("wales", by="board").suppress is True
    assert disclosure_policy("wales", suppress=True).suppress is True


def test_opt_out_is_logged_and_recorded(caplog):
    with caplog.at_level(logging.WARNING, logger="cprstats"):
        p = disclosure_policy("MWW", suppress=False)
    assert isinstance(p, DisclosurePolicy) and p.opted_out and not p.suppress
    assert "switched off by the analyst" in caplog.text and "MWW" in caplog.text
    t = table(["a", "b"], "MWW", [2, 9], 11)
    out = p.apply(t)
    assert out["count"].tolist() == [2, 9] and not out["suppressed"].any()
    assert out.attrs["disclosure"]["opted_out"] is True and out.attrs["disclosure"]["applied"] is False
    assert p.record()["opted_out"] is True
    # switching it off for all-Wales is not an opt-out, and is not logged
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="cprstats"):
        assert disclosure_policy("wales", suppress=False).opted_out is False
    assert caplog.text == ""


def test_policy_apply_suppresses_and_records_scope():
    t = table(["a", "b", "c"], "MWW", [2, 9, 9], 20)
    out = disclosure_policy("MWW", round_to=5).apply(t, additive=True)
    assert out["suppressed"].tolist() == [True, True, False] and out["count"].iloc[2] == 10
    assert out.attrs["disclosure"]["scope"] == "MWW" and out.attrs["disclosure"]["round_to"] == 5


def test_policy_bad_scope_suggests():
    with pytest.raises(ParameterError, match=r"scope='Wales' is not allowed.*did you mean 'wales'"):
        disclosure_policy("Wales")
    with pytest.raises(ParameterError, match="suppress='no'"):
        disclosure_policy("MWW", suppress="no")


def test_old_import_path_still_works():
    from cprstats.disclosure.policy import disclosure_policy as old

    assert old is disclosure_policy


def test_threshold_under_three_needs_a_restricted_run(caplog):
    # `--threshold 1` used to switch suppression off silently; now it is refused unless the
    # run is restricted (outputs never published), and then logged and recorded.
    for threshold in (1, 2):
        with pytest.raises(ParameterError, match=f"threshold={threshold} is not allowed: below 3"):
            disclosure_policy("MWW", threshold=threshold)
    with caplog.at_level(logging.WARNING, logger="cprstats"):
        p = disclosure_policy("MWW", threshold=1, restricted=True)
    assert p.suppress and p.restricted and p.threshold == 1 and "Restricted run" in caplog.text
    out = p.apply(table(["a", "b"], "MWW", [2, 9], 11))
    assert out["count"].tolist() == [2, 9] and out.attrs["disclosure"]["restricted"] is True
    assert p.record()["restricted"] is True
    assert disclosure_policy("MWW", threshold=3).threshold == 3
    with pytest.raises(ParameterError, match="restricted='yes'"):
        disclosure_policy("MWW", restricted="yes")


def test_policy_apply_sends_a_comparison_to_suppress_comparison():
    # synthetic two-period comparison: the 3 and (through the overall sum) the 9 are hidden
    t = pd.DataFrame(
        {"variable": "x", "level": "true", "group": "post_covid", "count": [3], "n": [20],
         "group_ref": "pre_covid", "count_ref": [9], "n_ref": [22], "p_value": [0.09]}
    )  # fmt: skip
    out = disclosure_policy("MWW").apply(t)
    assert out["suppressed"].tolist() == [True] and np.isnan(out["p_value"].iloc[0])
    assert out.attrs["disclosure"]["scope"] == "MWW"
    off = disclosure_policy("MWW", suppress=False).apply(t)
    assert off["count"].tolist() == [3] and off.attrs["disclosure"]["opted_out"] is True
