"""Tests for cprstats.disclosure.policy: suppression on by default below all-Wales, opt-out logged.

The rule tested is DESIGN.md "Disclosure control defaults": on by default for any output
below all-Wales level; an explicit, logged opt-out. All tables are synthetic.
"""

from __future__ import annotations

import logging

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
