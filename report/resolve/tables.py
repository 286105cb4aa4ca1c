"""Tables: their datasets' columns and cells, formatted, styled, footnoted, turned."""
from __future__ import annotations

import datetime as dt
from dataclasses import replace

from .. import formatting, markdown
from ..diagnostics import did_you_mean
from ..load import YMap
from ..model import Column, Table, show
from .limits import MAX_ALL_TABLE_ROWS, MAX_CELL_CHARS, MAX_TABLE_COLUMNS, MAX_TABLE_ROWS
from .results import RTable
from .values import not_applicable


class Tables:
    """The resolver's tables (a part of _Resolve, report/resolve/__init__.py)."""

    def table(self, t: Table) -> RTable:
        number, anchor = self.numbers[id(t)]
        caption = self.inline(t.caption, t.mark_of("caption"), f"{t.path}.caption")
        table = RTable(number, anchor, caption, [], [], [], [], [], t.mark, t.path,
                       short_caption=self.short_caption(t), data=t.data)
        self.cell_places = {}
        table = self.table_notes(t, self.table_body(t, table))     # footnotes numbered as they are read:
        source = self.as_of(self.inline(t.source, t.mark_of("source"), f"{t.path}.source"), t.data)  # source last
        table = replace(table, source=source)
        self.tables.append(table)
        return table

    def table_notes(self, t: Table, table: RTable) -> RTable:
        """The runs of each header and cell that cites a footnote ([^label], defined under the
        table's `footnotes:`), numbered in reading order; a label never cited is a warning."""
        defined = {str(k): k for k in (t.footnotes or {})}
        used: set[str] = set()
        rich = {}
        texts = [g[0] for g in table.header_groups] + list(table.headers) + [c for row in table.cells for c in row]
        for text in texts:
            if isinstance(text, str) and "[^" in text and text not in rich:
                rich[text] = self.cited_runs(t, text, defined, used)
        for label, key in defined.items():
            if label not in used:
                notes = t.footnotes
                self.diags.warning(notes.key_mark(key) if isinstance(notes, YMap) else t.mark_of("footnotes"),
                                   f"{t.path}.footnotes.{label}", f"footnote [^{label}] is defined but no cell or "
                                   f"header cites it, so it is not printed; cite it in a cell as [^{label}], or "
                                   f"delete it")
        return replace(table, rich=rich) if rich else table

    def cited_runs(self, t: Table, text: str, defined: dict, used: set) -> list:
        """A cell's text as runs, each [^label] a linked superscript number; the space before a
        marker does not break, so the number never starts a line of its own."""
        runs, at = [], 0
        for m in markdown.NOTE_REF.finditer(text):
            before, label = text[at:m.start()], m.group(1)
            if before.endswith("\\"):           # \[^a]: printed as typed
                runs.append(markdown.Run(before[:-1] + m.group(0)))
                at = m.end()
                continue
            if label not in defined:
                mark, path = self.cell_places.get(text, (t.mark, t.path))
                self.diags.error(mark, path, f"footnote [^{label}] is cited but not defined; define it under the "
                                             f"table's footnotes ({t.path}.footnotes), e.g. footnotes: "
                                             f"{{{label}: The note.}} (or write \\[^{label}] to print it as typed)")
                runs.append(markdown.Run(before + m.group(0)))
                at = m.end()
                continue
            used.add(label)
            key = (id(t), label)
            if key not in self.footnote_numbers:
                number = self.footnote_numbers[key] = len(self.footnote_numbers) + 1
                notes, k = t.footnotes, defined[label]
                note = notes[k]
                mark = notes.value_mark(k) if isinstance(notes, YMap) else t.mark_of("footnotes")
                blocks = self.blocks(note, mark, f"{t.path}.footnotes.{label}")
                self.notes[number] = markdown.Footnote(number, f"fn-{number}", blocks)
            number = self.footnote_numbers[key]
            if before.endswith(" "):
                before = before.rstrip(" ") + "\u00a0"
            runs += [markdown.Run(before), markdown.Run(str(number), sup=True, link=f"#fn-{number}")]
            at = m.end()
        runs.append(markdown.Run(text[at:]))
        return [r for r in runs if r.text]

    def table_body(self, t: Table, table: RTable) -> RTable:
        """The table with its headers and cells, or as it came after an error."""
        ds = self.rows_of(t.data, t)
        if ds is None or self.too_many_rows(ds, t, MAX_TABLE_ROWS, "table"):
            return table
        self.table_rows += len(ds.rows)
        if self.table_rows > MAX_ALL_TABLE_ROWS:
            if self.table_rows - len(ds.rows) <= MAX_ALL_TABLE_ROWS:
                self.diags.error(t.mark_of("data"), f"{t.path}.data",
                                 f"the tables pass {MAX_ALL_TABLE_ROWS:,} rows in all here ({self.table_rows:,}); "
                                 f"summarise the data or split the briefing")
            return table
        columns = t.columns or ()
        if len(columns or ds.columns) > MAX_TABLE_COLUMNS:
            self.diags.error(t.mark_of("columns") if columns else t.mark_of("data"), f"{t.path}.columns",
                             f"{len(columns or ds.columns)} columns; a table takes at most {MAX_TABLE_COLUMNS} on a "
                             f"page (choose them with 'columns:')")
            return table
        for key in ("row_style", "indent"):
            name = getattr(t, key)
            if name is not None and name not in ds.columns:
                self.diags.error(t.mark_of(key), f"{t.path}.{key}", f"dataset '{ds.name}' has no column "
                                 f"'{name}'{did_you_mean(name, ds.columns)} (columns: {', '.join(ds.columns)})")
                return table
        if not columns:
            columns = [Column.with_defaults(t.mark, t.path, key=c) for c in ds.columns
                       if c not in (t.row_style, t.indent)]
        for i, col in enumerate(columns):
            for key in ("key", "cell_style"):
                name = getattr(col, key)
                if name is not None and name not in ds.columns:
                    self.diags.error(col.mark_of(key), f"{t.path}.columns[{i}].{key}",
                                     f"dataset '{ds.name}' has no column '{name}'{did_you_mean(name, ds.columns)}"
                                     f" (columns: {', '.join(ds.columns)})")
                    return table
        cell_emphasis = self.cell_emphasis(t, ds, columns)
        if cell_emphasis is None:
            return table
        kinds = self.row_kinds(t, ds)
        if kinds is None:
            return table
        body = [r for r, kind in zip(ds.rows, kinds) if kind != "group"]
        numeric = [all(isinstance(r.get(c.key), (int, float)) or not_applicable(r.get(c.key)) for r in body)
                   and any(isinstance(r.get(c.key), (int, float)) for r in body) for c in columns]
        headers = [c.key if c.label is None else c.label for c in columns]   # label: "" is an empty header
        for i, c in enumerate(columns):
            if "[^" in headers[i]:
                self.cell_places.setdefault(headers[i], (c.mark_of("label") if c.label else c.mark_of("key"),
                                                         f"{t.path}.columns[{i}]." + ("label" if c.label else "key")))
        widths = [c.width for c in columns]
        dates = [all(isinstance(r.get(c.key), (dt.date, dt.datetime)) or r.get(c.key) is None for r in ds.rows)
                 for c in columns]
        groups = self.header_groups(t, [c.key for c in columns])
        if groups is None:
            return table
        table = replace(table, kinds=["number" if num else "date" if day else "text" for num, day in zip(numeric, dates)],
                        hyphenate=[c.hyphenate for c in columns], landscape=t.landscape,
                        emphasis=[c.emphasis for c in columns], header_groups=groups, row_kinds=kinds,
                        indents=self.indents(t, ds) or [0] * len(ds.rows), cell_emphasis=cell_emphasis)
        rows = []
        for r, row in enumerate(ds.rows):
            cells = []
            for i, col in enumerate(columns):
                value = row.get(col.key)
                try:
                    cells.append(str(value or "").strip() if not_applicable(value)     # "n/a", "–": as given
                                 else formatting.value(value, col.format, self.doc.report.language))
                except (ValueError, TypeError) as e:
                    mark = row.value_mark(col.key) if isinstance(row, YMap) else ds.mark
                    self.diags.error(mark, f"{ds.path}[{r}].{col.key}",
                                     f"cannot format with '{col.format}' ({t.path}.columns[{i}].format): {e}")
                    cells.append(str(value))
                if "[^" in cells[-1]:        # where a footnote marker's error points
                    mark = row.value_mark(col.key) if isinstance(row, YMap) else ds.mark
                    self.cell_places.setdefault(cells[-1], (mark, f"{ds.path}[{r}].{col.key}"))
                if len(cells[-1]) > MAX_CELL_CHARS:
                    mark = row.value_mark(col.key) if isinstance(row, YMap) else ds.mark
                    self.diags.error(mark, f"{ds.path}[{r}].{col.key}", f"a cell of {len(cells[-1]):,} characters; "
                                     f"table cells take at most {MAX_CELL_CHARS:,} (a row must fit on a page)")
                    return table
            rows.append(cells)
        point = formatting.decimal_symbol(self.doc.report.language)
        aligns = [c.align or ("left" if not num else "decimal" if c.format is None and mixed_decimals(
                  [row[i] for row, kind in zip(rows, kinds) if kind != "group"], point) else "right")
                  for i, (c, num) in enumerate(zip(columns, numeric))]
        table = replace(table, point=point)
        if t.transpose:
            return self.transposed(t, replace(table, headers=headers, aligns=aligns, widths=widths, cells=rows))
        return replace(table, headers=headers, aligns=aligns, widths=widths, cells=rows)

    def row_kinds(self, t: Table, ds) -> list[str] | None:
        """Each row's kind from the `row_style` column ('' for a plain row), or None after an error."""
        from ..model import ROW_KINDS
        if t.row_style is None:
            return [""] * len(ds.rows)
        return self.style_column(ds, t.row_style, ROW_KINDS, f"a row style ({t.path}.row_style)")

    def cell_emphasis(self, t: Table, ds, columns) -> list[list] | None:
        """Per row, per column: the style a column's `cell_style` column gives that cell
        (None for a plain one); None after an error."""
        out = [[None] * len(columns) for _ in ds.rows]
        for i, col in enumerate(columns):
            if col.cell_style is None:
                continue
            styles = self.style_column(ds, col.cell_style, ("bold", "muted", "highlight"),
                                       f"a cell style ({t.path}.columns[{i}].cell_style)")
            if styles is None:
                return None
            for r, value in enumerate(styles):
                out[r][i] = value or None
        return out

    def style_column(self, ds, column: str, choices: tuple, what: str) -> list[str] | None:
        """A dataset column naming a style per row ('' for none), each one of `choices`;
        None after an error at the first cell that is not."""
        out = []
        for r, row in enumerate(ds.rows):
            value = row.get(column)
            value = "" if value is None else str(value).strip().lower()
            if value and value not in choices:
                mark = row.value_mark(column) if isinstance(row, YMap) else ds.mark
                self.diags.error(mark, f"{ds.path}[{r}].{column}",
                                 f"'{show(value)}' is not {what}{did_you_mean(value, choices)}; "
                                 f"choose {', '.join(choices[:-1])} or {choices[-1]}, or leave it empty")
                return None
            out.append(value)
        return out

    def indents(self, t: Table, ds) -> list[int] | None:
        if t.indent is None:
            return None
        out = []
        for r, row in enumerate(ds.rows):
            value = row.get(t.indent)
            if value is None or value == "":
                value = 0
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 3:
                mark = row.value_mark(t.indent) if isinstance(row, YMap) else ds.mark
                self.diags.error(mark, f"{ds.path}[{r}].{t.indent}",
                                 f"'{show(value)}' is not an indent level ({t.path}.indent); write 0, 1, 2 or 3")
                value = 0
            out.append(int(value))
        return out

    def header_groups(self, t: Table, keys: list[str]) -> list | None:
        """(label, first, last) column numbers of each header group, or None after an error."""
        out, taken = [], set()
        for g, group in enumerate(t.header_groups):
            where = f"{t.path}.header_groups[{g}].columns"
            unknown = [k for k in group.columns if k not in keys]
            if unknown:
                self.diags.error(group.mark_of("columns"), where, f"'{show(unknown[0])}' is not a column of the table"
                                 f"{did_you_mean(unknown[0], keys)} (columns: {', '.join(keys)})")
                return None
            at = sorted(keys.index(k) for k in group.columns)
            if at != list(range(at[0], at[-1] + 1)) or taken & set(at):
                self.diags.error(group.mark_of("columns"), where, "a header group spans neighbouring columns, each "
                                 "in one group only; list them as they stand in the table")
                return None
            taken |= set(at)
            out.append((group.label, at[0], at[-1]))
            self.cell_places.setdefault(group.label, (group.mark_of("label"), f"{t.path}.header_groups[{g}].label"))
        return out

    def transposed(self, t: Table, table: RTable) -> RTable:
        """Rows as columns: the first column's cells head the new columns; each other column is a row."""
        if t.row_style or t.indent or t.header_groups:
            self.diags.error(t.mark_of("transpose"), f"{t.path}.transpose",
                             "a turned table takes no row_style, indent or header_groups")
            return table
        n = len(table.cells)
        if n + 1 > MAX_TABLE_COLUMNS:
            self.diags.error(t.mark_of("transpose"), f"{t.path}.transpose",
                             f"turned, the table would have {n + 1} columns; a table takes at most {MAX_TABLE_COLUMNS}")
            return table
        headers = [table.headers[0]] + [row[0] for row in table.cells]
        cells = [[table.headers[j]] + [row[j] for row in table.cells] for j in range(1, len(table.headers))]
        numbers = all(k == "number" for k in table.kinds[1:])
        return replace(table, headers=headers, cells=cells, aligns=["left"] + ["right" if numbers else "left"] * n,
                       widths=[None] * (n + 1), kinds=["text"] + [table.kinds[1] if numbers else "text"] * n,
                       hyphenate=[False] * (n + 1), emphasis=[None] * (n + 1), row_kinds=[""] * len(cells),
                       indents=[0] * len(cells),
                       cell_emphasis=[[None] + [table.cell_emphasis[r][j] for r in range(n)]
                                      for j in range(1, len(table.headers))] if table.cell_emphasis else [])


def mixed_decimals(cells: list[str], point: str) -> bool:
    """Whether numbers printed as written (no format) have different decimals: 7, 3.5, 12.25.
    Such a column lines up its decimal separators unless it asks otherwise."""
    return len({len(c.split(point, 1)[1]) if point in c else 0 for c in cells if any(ch.isdigit() for ch in c)}) > 1

