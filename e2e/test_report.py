"""The report's page in Chromium, as a reader opens it: axe-core, a phone's width, its links."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from playwright.sync_api import Page, expect

from compare import render, report
from compare.tests.measurements import fixture_measurements
from e2e.axe import AXE_SCRIPT, Axe
from e2e.pages import audit
from toolkit.paths import BUILD
from toolkit.servers import environ_flag

WIDTHS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
# One byte-exact 1x1 PNG: a screenshot where the journey has not run here.
PIXEL = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000b49444154789c63f8"
    "0f040009fb03fdfb5e6b2b0000000049454e44ae426082"
)


@pytest.fixture(scope="module")
def report_file(tmp_path_factory) -> Path:
    """Write the page compare.py writes, from the fixture's measurements, beside build/."""
    out = tmp_path_factory.mktemp("report")
    shots = BUILD / "screenshots"
    if not any(shots.glob("*/*.png")):
        shots = out / "screenshots"
        for app in ("django", "flask"):
            (shots / app).mkdir(parents=True)
            (shots / app / "home.png").write_bytes(PIXEL)
    m = fixture_measurements()
    model = report.build(m, "Django and Flask, side by side", ["compare.md"], out)
    model.concepts = render.code_view(m, out)
    model.shots = render.screenshots(out, shots)
    path = out / "compare.html"
    path.write_text(render.html(model))
    return path


@pytest.fixture
def open_report(chromium, report_file):
    """Return a function opening the page at a width, with axe-core loaded into it."""
    if not AXE_SCRIPT.is_file():
        missing = f"no axe-core at {AXE_SCRIPT} (make test-browser installs it)"
        if environ_flag("CI"):
            pytest.fail(f"CI=true and {missing}")
        pytest.skip(missing)
    contexts, errors = [], []

    def open_page(width: str) -> Page:
        context = chromium.new_context(viewport=WIDTHS[width])
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.add_init_script(path=AXE_SCRIPT)
        page.goto(report_file.as_uri())
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert not errors, errors


@pytest.mark.parametrize("width", WIDTHS)
def test_report_has_no_axe_violation_and_fits_the_screen(open_report, axe_results, width):
    """The page, its code view opened, has no axe-core violation and no sideways scroll."""
    page = open_report(width)
    audit(page)
    page.get_by_role("button", name="Expand all").click()
    expect(page.locator("#code details:not([open])")).to_have_count(0)
    checker = Axe("report", axe_results)
    checker.check(page, f"compare.html at {WIDTHS[width]['width']} px")
    verdict = checker.verdict()
    assert not verdict, verdict
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{overflow} px wider than the screen"
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    expect(page.get_by_role("navigation", name="Contents")).to_be_in_viewport()


def test_every_link_of_the_report_resolves(open_report, report_file):
    """Each link goes to an anchor of the page, a file of the repository or a heading in it."""
    page = open_report("desktop")
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))")
    ids = set(page.eval_on_selector_all("[id]", "nodes => nodes.map(n => n.id)"))
    assert any(href.startswith("../") for href in hrefs)  # file:line labels link to the files
    broken = []
    for href in set(hrefs):
        target = urlsplit(href)
        if not target.path:
            resolves = target.fragment in ids
        else:
            file = (report_file.parent / unquote(target.path)).resolve()
            resolves = file.is_file() and (
                not target.fragment or target.fragment in markdown_anchors(file)
            )
        if not resolves:
            broken.append(href)
    assert not broken, broken


def markdown_anchors(path: Path) -> set[str]:
    return {
        report.slug(line.lstrip("#").strip())
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.startswith("#")
    }
