"""Statistics on a coded dataset, each returning a tidy, unrounded DataFrame: intervals, contingency
tests, descriptions, comparisons, trends, regression and coder agreement.
"""
