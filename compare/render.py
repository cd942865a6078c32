"""Render the report's model: to the terminal with rich, to Markdown and HTML through Jinja2."""

from __future__ import annotations

import re
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import TextLexer, get_lexer_by_name, get_lexer_for_filename
from pygments.styles.vs import VisualStudioStyle
from pygments.token import Keyword, Name
from pygments.util import ClassNotFound
from rich import box
from rich.console import Console
from rich.table import Table as RichTable
from rich.text import Text

from compare.concepts import Location, snippet
from compare.report import NAMES, Cell, Report, Table, link, slug
from toolkit.paths import APP_DIRS, APPS, BUILD

TONE = {
    "supported": "good",
    "passed": "good",
    "contradicted": "bad",
    "failed": "bad",
    "mixed": "warn",
    "not measurable here": "dim",
    "not run": "dim",
    "run make bench": "info",
}
RICH_STYLE = {
    "good": "bold green",
    "bad": "bold red",
    "warn": "bold yellow",
    "dim": "dim",
    "info": "cyan",
}


class CodeStyle(VisualStudioStyle):
    """Visual Studio's colours, its light blue darkened to a 4.5:1 contrast (WCAG AA) on white."""

    styles = {**VisualStudioStyle.styles, Keyword.Type: "#1a6985", Name.Class: "#1a6985"}


# The screenshots of e2e/test_appearance.py, on the demo data, in the order a visitor meets them.
SHOTS = (
    ("home", "Home: the published posts, newest first"),
    ("sign-in", "Sign in"),
    ("form-errors", "A new post sent blank: the server's error under each field"),
    ("post", "A post, as a signed-in reader sees it"),
    ("admin-list", "Staff: the admin's list of posts"),
    ("admin-edit", "Staff: the admin's form for one post"),
)


def plain(value) -> str:
    if isinstance(value, list):
        return "\n".join(plain(v) for v in value)
    return value.text if isinstance(value, Cell) else str(value)


# -- terminal ----------------------------------------------------------------------------------


def rich_table(table: Table, rows: list[list], widths=None, first: bool = True) -> RichTable:
    """Return a rich table of some rows; a later chunk (first=False) continues the first."""
    rich = RichTable(
        title=table.title if first else None,
        box=box.SIMPLE_HEAD,
        title_justify="left",
        show_header=first,
        show_edge=widths is None,
        expand=table.brief is not None,
    )
    for i, column in enumerate(table.columns):
        cut = i == table.brief  # one line a row: the others whole, this one cut to fit
        rich.add_column(
            column,
            justify="right" if i in table.numeric else "left",
            width=widths[i] if widths else None,
            ratio=1 if cut else None,
            no_wrap=table.brief is not None,
            overflow="ellipsis" if cut else "fold",
        )
    for row in rows:
        rich.add_row(*[Text(plain(v), RICH_STYLE.get(TONE.get(plain(v)), "")) for v in row])
    return rich


def fixed_widths(table: Table, width: int) -> list[int]:
    """Give numeric columns their content's width and share the rest among the others."""
    cells = [[c, *(plain(r[i]) for r in table.rows)] for i, c in enumerate(table.columns)]
    widths = [max(len(line) for cell in column for line in cell.split("\n")) for column in cells]
    text = [i for i in range(len(widths)) if i not in table.numeric]
    free = width - 3 * len(widths) - sum(widths[i] for i in table.numeric)  # padding, gaps
    return [
        widths[i] if i in table.numeric else max(free // len(text), 8) for i in range(len(widths))
    ]


def print_table(table: Table, console: Console) -> None:
    """Print a table; a line under a row (Table.under) runs the table's whole width."""
    widths, start = fixed_widths(table, console.width) if table.under else None, 0
    for r in sorted(table.under):
        console.print(rich_table(table, table.rows[start : r + 1], widths, start == 0))
        console.print(Text(f"  ↳ {table.under[r]}", style="italic"))
        start = r + 1
    if start < len(table.rows) or not table.rows:
        console.print(rich_table(table, table.rows[start:], widths, start == 0))


def terminal(report: Report, console: Console, full: bool = False) -> None:
    """Print the summary, then every part (full=True) or where the full report is."""
    console.rule(f"[bold]{report.title}")
    print_table(report.figures, console)
    print_table(report.claims, console)
    for section in report.sections:
        console.print(
            f"[bold]{section.title.split(' (')[0]}[/]: {section.sentence}", highlight=False
        )
    for section in report.sections if full else ():
        console.rule(f"[bold]{section.title}")
        console.print(section.sentence, highlight=False)
        for table in section.tables:
            print_table(table, console)
        for note in section.notes:
            console.print(f"[dim]•[/dim] {note}", highlight=False)
    more = "" if full else " (python compare.py --full prints it here)"
    console.print(f"The full report{more}: {', '.join(report.outputs)}", highlight=False)


# -- Markdown and HTML -------------------------------------------------------------------------


def md_cell(value) -> str:
    if isinstance(value, list):
        return "<br>".join(md_cell(v) for v in value)
    text = plain(value).replace("|", "\\|").replace("\n", "<br>")
    # Links within the page go to the HTML's anchors: the Markdown keeps only links to files.
    outside = isinstance(value, Cell) and value.href and not value.href.startswith("#")
    return f"[{text}]({value.href})" if outside else text


def html_text(value) -> Markup:
    """Escape text, showing Markdown's `code` as <code> and line breaks as <br>."""
    text = str(escape(value))
    return Markup(re.sub(r"`([^`]+)`", r"<code>\1</code>", text).replace("\n", "<br>"))


def html_cell(value, numeric: bool = False) -> Markup:
    """Return a <td>: a link or anchor for a Cell, a tone class for a verdict or outcome."""
    classes = " ".join(filter(None, ["n" if numeric else "", TONE.get(plain(value), "")]))
    attrs = Markup(f' class="{classes}"') if classes else Markup("")
    cells = value if isinstance(value, list) else [value]
    ids = [c.id for c in cells if isinstance(c, Cell) and c.id]
    if ids:
        attrs += Markup(' id="{}"').format(ids[0])
    inner = Markup("<br>").join(
        Markup('<a href="{}">{}</a>').format(c.href, html_text(c.text))
        if isinstance(c, Cell) and c.href
        else html_text(plain(c))
        for c in cells
    )
    return Markup("<td{}>{}</td>").format(attrs, inner)


def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("compare"),
        undefined=StrictUndefined,
        autoescape=select_autoescape(["html.j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(md_cell=md_cell, html_cell=html_cell, html_text=html_text)
    return env


def markdown(report: Report) -> str:
    """Return the whole report as GitHub-flavoured Markdown."""
    return environment().get_template("report.md.j2").render(r=report)


def html(report: Report) -> str:
    """Return the whole report as one HTML page: summary, parts, code side by side, screenshots."""
    return environment().get_template("report.html.j2").render(r=report)


def lexer_for(file: str):
    if file.endswith(".html"):
        return get_lexer_by_name("html+django")
    try:
        return get_lexer_for_filename(file)
    except ClassNotFound:
        return TextLexer()


def code_view(m: dict, out: Path = BUILD) -> list[dict]:
    """Return each concept's code on both sides, highlighted (inline styles, WCAG-contrast)."""
    concepts = []
    for concept in m["concepts"]:
        sides = []
        for app in APPS:
            blocks = []
            for loc in concept["sides"][app]["locations"]:
                where = Location(loc["file"], loc["symbol"], loc["line"], *loc["span"])
                formatter = HtmlFormatter(
                    noclasses=True, style=CodeStyle, linenos="inline", linenostart=where.start
                )
                source = highlight(snippet(APP_DIRS[app], where), lexer_for(loc["file"]), formatter)
                blocks.append(
                    {
                        "label": f"{APP_DIRS[app].name}/{loc['ref']}",
                        "symbol": loc["symbol"],
                        "href": link(APP_DIRS[app] / loc["file"], out),
                        "html": Markup(source),
                    }
                )
            sides.append({"name": NAMES[app], "blocks": blocks})
        neither = not any(side["blocks"] for side in sides)
        lines = (
            "written by neither app"
            if neither
            else " / ".join(f"{NAMES[a]} {concept['sides'][a]['code']}" for a in APPS) + " lines"
        )
        concepts.append(
            {
                **concept,
                "id": f"code-{slug(concept['name'])}",
                "lines": lines,
                "neither": neither,
                "views": sides,
            }
        )
    return concepts


def screenshots(out: Path = BUILD, folder: Path = BUILD / "screenshots") -> list[dict]:
    """Return the journey's screenshots in its order, each with a caption and both apps' files."""
    found = {p.stem for p in folder.glob("*/*.png") if not p.stem.endswith("-phone")}
    known = [name for name, _ in SHOTS]
    order = [*SHOTS, *((name, name) for name in sorted(found - set(known)))]
    shots = []
    for name, caption in order:
        sides = [
            {
                "name": NAMES[a],
                "src": link(folder / a / f"{name}.png", out),
                "phone": link(folder / a / f"{name}-phone.png", out)
                if (folder / a / f"{name}-phone.png").is_file()
                else None,
            }
            for a in APPS
            if (folder / a / f"{name}.png").is_file()
        ]
        if sides:
            shots.append({"id": f"shot-{name}", "caption": caption, "sides": sides})
    return shots
