"""Coding forms in, coded dataset out: reading CSV, XLSX and YAML forms, the identifier guard, coding,
derivations, cross-field rules and the Excel template.
"""
