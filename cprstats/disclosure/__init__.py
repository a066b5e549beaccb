"""Disclosure control: suppression of count and comparison tables, and the policy that says when it applies.

- ``suppression``: `suppress` (one count table), `suppress_comparison` and
  `withhold_statistics` (comparison and trend tables);
- ``cells``: the linear-programming engine both use (cells, relations, the protection
  criterion, secondary suppression);
- ``auditing``: `audit` and `protect_together`, every table of a report or a run checked and
  protected together (the same cell twice, periods and their total, boards and Wales,
  derived variables);
- ``policy``: `disclosure_policy`, on by default below all-Wales, the analyst's logged
  opt-out, and the restricted runs that alone may use a threshold under 3.
"""
