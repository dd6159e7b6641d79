"""The three tables of an annual report (docs/template.md), read from whatever layout they reach us in.

- `recovery`: plain text whose rows lost their line breaks (crawler dumps) becomes one row per line again;
- `tokens`: lines become a stream of labels, values, empty cells and breaks;
- `assemble`: the stream becomes raw tables — headers, row labels and the values of each row;
- `cells`, `decode`, `arith`: values are placed under the template's columns; glued digit runs and rows
  with too many values are decoded by the template's arithmetic, never guessed;
- `build`: the tables with their problems.
"""

from nlp.tables.build import TablesResult, detect_format, parse_tables

__all__ = ["TablesResult", "detect_format", "parse_tables"]
