"""Stage 5: the resolved briefing laid out and drawn with ReportLab.

The wall around ReportLab's internals (_reportlab.py) is imported first: it imports ReportLab's
paragraph module itself, with its costly URL pattern compiled only when it is used."""
from . import _reportlab  # noqa: F401
