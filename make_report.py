"""Build a briefing PDF from a YAML data file: python make_report.py [DATA] [-o OUT]."""
from report.cli import command

if __name__ == "__main__":
    command()
