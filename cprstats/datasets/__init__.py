"""Data that already exists: the shipped synthetic examples, the published figures, and the one loader
that decides what a path, an example name or a DataFrame is.

All shipped data is synthetic and describes no real child.
"""
