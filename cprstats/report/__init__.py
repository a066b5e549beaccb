"""Presentation at the edge: labels in English or Welsh, formatted tables, figures, the report object
and its HTML page.
"""
