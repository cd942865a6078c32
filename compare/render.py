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

# The class of a verdict or an outcome in the page, and its style in the terminal.
TONE = {"supported": "good", "passed": "good", "contradicted": "bad", "failed": "bad"}
TONE |= {"mixed": "warn", "not measurable here": "dim", "not run": "dim", "run make bench": "info"}
RICH = {"good": "bold green", "bad": "bold red", "warn": "yellow", "dim": "dim", "info": "cyan"}


class CodeStyle(VisualStudioStyle):
    """Visual Studio's colours, its light blue darkened to a 4.5:1 contrast (WCAG AA) on white."""

    styles = {**VisualStudioStyle.styles, Keyword.Type: "#1a6985", Name.Class: "#1a6985"}


# The screenshots of e2e/test_appearance.py, on the demo data, in the order a visitor meets them.
SHOTS = {
    "home": "Home: the published posts, newest first",
    "sign-in": "Sign in",
    "form-errors": "A new post sent blank: the server's error under each field",
    "post": "A post, as a signed-in reader sees it",
    "admin-list": "Staff: the admin's list of posts",
    "admin-edit": "Staff: the admin's form for one post",
}


def plain(value) -> str:
    if isinstance(value, list):
        return "\n".join(plain(v) for v in value)
    return value.text if isinstance(value, Cell) else str(value)


# -- terminal ----------------------------------------------------------------------------------


def print_table(table: Table, console: Console) -> None:
    """Print a table; its `brief` column, if it has one, cut to one line a row to fit."""
    brief = table.brief is not None
    out = RichTable(title=table.title, box=box.SIMPLE_HEAD, title_justify="left", expand=brief)
    for i, name in enumerate(table.columns):
        cut = i == table.brief
        justify = "right" if i in table.numeric else "left"
        overflow = "ellipsis" if cut else "fold"
        out.add_column(name, justify=justify, no_wrap=brief, ratio=cut or None, overflow=overflow)
    for row in table.rows:
        out.add_row(*[Text(plain(v), RICH.get(TONE.get(plain(v)), "")) for v in row])
    console.print(out)


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
    env.filters.update(md_cell=md_cell, html_cell=html_cell, html_text=html_text, slug=slug)
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


def code_block(app: str, loc: dict, out: Path) -> dict:
    """Return one symbol's code, highlighted (inline styles, WCAG contrast), with its link."""
    where = Location(loc["file"], loc["symbol"], loc["line"], *loc["span"])
    lines = HtmlFormatter(
        noclasses=True, style=CodeStyle, linenos="inline", linenostart=where.start
    )
    code = highlight(snippet(APP_DIRS[app], where), lexer_for(loc["file"]), lines)
    href = link(APP_DIRS[app] / loc["file"], out)
    label = f"{APP_DIRS[app].name}/{loc['ref']}"
    return {"label": label, "symbol": loc["symbol"], "href": href, "html": Markup(code)}


def code_view(m: dict, out: Path = BUILD) -> list[dict]:
    """Return each concept with its code on both sides, for the page's code view."""
    return [
        {
            **c,
            "views": {
                NAMES[a]: [code_block(a, loc, out) for loc in c["sides"][a]["locations"]]
                for a in APPS
            },
        }
        for c in m["concepts"]
    ]


def screenshots(out: Path = BUILD, folder: Path = BUILD / "screenshots") -> list[dict]:
    """Return the journey's screenshots in its order, each with a caption and both apps' files."""
    shots = []
    for name, caption in SHOTS.items():
        sides = [(NAMES[a], folder / a / f"{name}.png") for a in APPS]
        sides = [{"name": app, "src": link(png, out)} for app, png in sides if png.is_file()]
        if sides:
            shots.append({"id": f"shot-{name}", "caption": caption, "sides": sides})
    return shots
