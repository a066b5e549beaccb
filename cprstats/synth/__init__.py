"""Synthetic data (a side branch of the data flow): the shipped all-Wales dataset, the calibrated
published samples and a simulated second coder.

All shipped data is synthetic and describes no real child.
"""
