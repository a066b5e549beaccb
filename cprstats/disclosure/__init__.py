"""Disclosure control: suppression of count and comparison tables, and the policy that says when it
applies.
"""
