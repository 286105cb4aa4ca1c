"""Build a briefing PDF from a YAML data file: python make_report.py [DATA] [-o OUT]."""
import sys

from report.cli import main

if __name__ == "__main__":
    sys.exit(main())
