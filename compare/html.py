"""Write the self-contained HTML report: tables, bar charts (inline SVG), code side by side."""

from __future__ import annotations

import base64
import html
from pathlib import Path

import pygal
from pygal.style import Style
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import TextLexer, get_lexer_by_name, get_lexer_for_filename
from pygments.util import ClassNotFound

from compare import bench as benchmod
from compare.concepts import Location, snippet
from compare.loc import HAND_WRITTEN
from compare.report import Section
from toolkit.paths import APP_DIRS, BUILD

COLOURS = ("#0c4b33", "#3b8eb8")  # Django green, Flask blue
CHART_STYLE = Style(
    colors=COLOURS, background="white", plot_background="white", font_family="sans-serif"
)
VERDICT_COLOUR = {
    "supported": "#1a7f37",
    "contradicted": "#cf222e",
    "mixed": "#9a6700",
    "not measurable here": "#6e7781",
    "run make bench": "#0969da",
}
CSS = """
body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:1200px;padding:0 1rem;
  color:#1f2328}
table{border-collapse:collapse;margin:.5rem 0 1.5rem;font-size:.85rem}
th,td{border:1px solid #d0d7de;padding:.25rem .5rem;vertical-align:top;text-align:left}
th{background:#f6f8fa} td.n{text-align:right}
caption{text-align:left;font-weight:600;padding:.25rem 0}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(420px,1fr));gap:1rem}
.side{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:1rem}
.side pre{font-size:.75rem;overflow:auto;max-height:32rem;margin:0;padding:.5rem;
  border:1px solid #d0d7de}
.loc{font:600 .8rem monospace;margin:.5rem 0 .2rem}
details{margin:.5rem 0} summary{cursor:pointer;font-weight:600}
.shots img{max-width:100%;border:1px solid #d0d7de}
.lesson{font-style:italic;color:#57606a} summary .lesson{display:block;font-weight:400}
"""


def figure(value: float) -> str:
    """Format a chart value: whole numbers without decimals."""
    return f"{value:,.0f}" if value >= 10 or float(value).is_integer() else f"{value:,.1f}"


def chart(
    title: str, labels: list[str], series: dict[str, list[float]], unit: str = "", values=True
) -> str:
    """Return a grouped bar chart as inline SVG (no script, no network)."""
    bar = pygal.Bar(
        style=CHART_STYLE, js=[], disable_xml_declaration=True, width=600, height=340,
        title=title, x_label_rotation=20, legend_at_bottom=True, print_values=values,
        value_formatter=lambda v: figure(v) + unit,
    )  # fmt: skip
    bar.x_labels = labels
    for name, values in series.items():
        bar.add(name, values)
    return bar.render(is_unicode=True)


def charts(m: dict) -> list[str]:
    apps = ("django", "flask")
    names = {"django": "Django", "flask": "Flask"}
    out = [
        chart(
            "Hand-written lines of code by kind",
            [*HAND_WRITTEN, "total"],
            {
                names[a]: [m["loc"][a]["kinds"][k]["code"] for k in HAND_WRITTEN]
                + [m["loc"][a]["hand_written"]["code"]]
                for a in apps
            },
        ),
        chart(
            "Code lines per kind of concept",
            list(m["concept_kinds"]),
            {names[a]: [v[a]["code"] for v in m["concept_kinds"].values()] for a in apps},
            values=False,  # too many bars for labels: the table below has the figures
        ),
        chart(
            "Dependencies (packages)",
            ["direct", "transitive", "maintainers"],
            {
                names[a]: [
                    m["deps"][a]["direct"],
                    m["deps"][a]["transitive"],
                    len(m["deps"][a]["maintainers"]),
                ]
                for a in apps
            },
        ),
        chart(
            "Installed size of the dependencies",
            ["MB"],
            {names[a]: [m["deps"][a]["size"] / 1e6] for a in apps},
            " MB",
        ),
        chart(
            "Spec rules",
            ["passed", "failed", "not run"],
            {
                names[a]: [m["spec"]["totals"][a][s] for s in ("passed", "failed", "not run")]
                for a in apps
            },
        ),
    ]
    run = m.get("setup_run") or {}
    if all((run.get(a) or {}).get("ok") for a in apps):
        out.append(
            chart(
                "Setup from scratch to first 200",
                ["seconds"],
                {names[a]: [run[a]["seconds_to_first_200"]] for a in apps},
                " s",
            )
        )
    if m["bench"]:
        rps = {a: benchmod.mean_rps(m["bench"], a) for a in apps}
        if None not in rps.values():
            out.append(
                chart(
                    "Requests per second (make bench)", ["mean"], {names[a]: [rps[a]] for a in apps}
                )
            )
    return out


def cell(value, numeric: bool, column: str) -> str:
    text = html.escape(str(value)).replace("\n", "<br>")
    style = (
        f' style="color:{VERDICT_COLOUR[str(value)]};font-weight:600"'
        if column == "verdict" and str(value) in VERDICT_COLOUR
        else ""
    )
    if str(value) == "failed":
        style = ' style="color:#cf222e;font-weight:600"'
    return f"<td{' class=n' if numeric else ''}{style}>{text}</td>"


def section_html(section: Section) -> str:
    parts = [f'<h2 id="{section.key}">{html.escape(section.title)}</h2>']
    for table in section.tables:
        parts.append(f"<table><caption>{html.escape(table.title)}</caption><tr>")
        parts += [f"<th>{html.escape(c)}</th>" for c in table.columns]
        parts.append("</tr>")
        for r, row in enumerate(table.rows):
            parts.append(
                "<tr>"
                + "".join(cell(v, i in table.numeric, table.columns[i]) for i, v in enumerate(row))
                + "</tr>"
            )
            if r in table.under:
                parts.append(
                    f"<tr><td colspan={len(table.columns)} class=lesson>"
                    f"↳ {html.escape(table.under[r])}</td></tr>"
                )
        parts.append("</table>")
    if section.notes:
        parts.append(
            "<ul>" + "".join(f"<li>{html.escape(n)}</li>" for n in section.notes) + "</ul>"
        )
    return "\n".join(parts)


def lexer_for(file: str):
    if file.endswith(".html"):
        return get_lexer_by_name("html+django")
    try:
        return get_lexer_for_filename(file)
    except ClassNotFound:
        return TextLexer()


def code_view(m: dict) -> str:
    """Return each concept's code on both sides, highlighted with inline styles."""
    formatter_args = {"noclasses": True, "style": "friendly", "linenos": "inline"}
    parts = ['<h2 id="code">Code side by side, concept by concept</h2>']
    for concept in m["concepts"]:
        neither = not any(concept["sides"][app]["locations"] for app in APP_DIRS)
        lines = (
            "written by neither app"
            if neither
            else f"Django {concept['sides']['django']['code']} / "
            f"Flask {concept['sides']['flask']['code']} lines"
        )
        lesson = concept.get("lesson")
        parts.append(
            f"<details><summary>{html.escape(concept['name'])} "
            f"({html.escape(concept['kind'])}) — {lines}"
            + (f"<span class=lesson>Lesson: {html.escape(lesson)}</span>" if lesson else "")
            + "</summary><div class=side>"
        )
        for app in ("django", "flask"):
            parts.append(f"<div><h4>{app.title()}</h4>")
            locations = concept["sides"][app]["locations"]
            if not locations:
                parts.append(
                    "<p><em>Nothing written by either app.</em></p>"
                    if neither
                    else "<p><em>Nothing written: the framework does it.</em></p>"
                )
            for loc in locations:
                location = Location(loc["file"], loc["symbol"], loc["line"], *loc["span"])
                source = snippet(APP_DIRS[app], location)
                formatter = HtmlFormatter(linenostart=location.start, **formatter_args)
                parts.append(
                    f"<div class=loc>{html.escape(APP_DIRS[app].name + '/' + loc['ref'])} "
                    f"{html.escape(loc['symbol'])}</div>"
                )
                parts.append(highlight(source, lexer_for(loc["file"]), formatter))
            parts.append("</div>")
        parts.append("</div></details>")
    return "\n".join(parts)


def screenshots(folder: Path = BUILD / "screenshots") -> str:
    """Show build/screenshots/{django,flask}/*.png side by side, embedded, when they exist."""
    sides = {
        app: sorted((folder / app).glob("*.png")) for app in APP_DIRS if (folder / app).is_dir()
    }
    if len(sides) < 2:
        return ""
    names = sorted({p.name for files in sides.values() for p in files})
    parts = ['<h2 id="screenshots">Screenshots</h2>']
    for name in names:
        parts.append(f"<h4>{html.escape(name)}</h4><div class='side shots'>")
        for app in APP_DIRS:
            path = folder / app / name
            if path.is_file():
                data = base64.b64encode(path.read_bytes()).decode()
                parts.append(
                    f'<figure><img alt="{app} {html.escape(name)}" '
                    f'src="data:image/png;base64,{data}"><figcaption>{app.title()}</figcaption>'
                    "</figure>"
                )
            else:
                parts.append("<p>(none)</p>")
        parts.append("</div>")
    return "\n".join(parts)


def render(m: dict, sections: list[Section], header: str) -> str:
    """Return the whole report as one HTML page with nothing loaded from elsewhere."""
    body = [
        f"<h1>{html.escape(header)}</h1>",
        f"<p>Generated {html.escape(m['generated'])}. Every figure measured by compare.py.</p>",
    ]
    body.append(
        '<h2 id="charts">Main figures</h2><div class=charts>'
        + "".join(f"<div>{svg}</div>" for svg in charts(m))
        + "</div>"
    )
    body += [section_html(s) for s in sections]
    body.append(code_view(m))
    body.append(screenshots())
    head = f"<meta charset=utf-8><title>{html.escape(header)}</title><style>{CSS}</style>"
    return f"<!doctype html><html lang=en><head>{head}</head><body>{''.join(body)}</body></html>"
