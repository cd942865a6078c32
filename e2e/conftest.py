"""Start each app under gunicorn on a fresh SQLite database and drive it with Chromium.

Every test that takes `site` runs once per app (`[django]`, `[flask]`; env APPS=flask for one).
Debian's `chromium` is used when it is on the PATH, else Playwright's own browser
(`python -m playwright install chromium`). Screenshots go to build/screenshots/APP/, the
phone-width ones beside them with a `-phone` suffix; axe-core's results go to build/axe.json.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from e2e.admin import ADMINS, Admin
from e2e.axe import AXE_SCRIPT, Audit, Axe, write_report
from toolkit.apps import APP_CLASSES, STAFF, App
from toolkit.databases import Databases
from toolkit.paths import APP_DIRS, APPS, ROOT
from toolkit.servers import Server, environ_flag

SCREENSHOTS = ROOT / "build" / "screenshots"
# The demo data `make run-django` and `make run-flask` load, through each app's own CLI.
SEED_DEMO = {
    "django": ["manage.py", "seed_demo"],
    "flask": ["-m", "flask", "--app", "app", "seed-demo"],
}
# Without the background-networking flags Chromium keeps calling Google's services, and a closed
# network refuses those connections; the rest keep a headless run quiet and reproducible.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 10_000
DESKTOP = {"width": 1100, "height": 800}
PHONE = {"width": 390, "height": 844}
EXPECTED_STATUS = re.compile(r"Failed to load resource: .* status of 40[34] ")
# Run in every page before its own scripts: hand each Content-Security-Policy violation (an
# inline script, handler or style, a javascript: link, a resource from elsewhere) to the test.
REPORT_VIOLATIONS = """document.addEventListener("securitypolicyviolation", (event) => {
  const where = event.sourceFile ? ` (${event.sourceFile}:${event.lineNumber})` : "";
  window.reportViolation(`${event.effectiveDirective} refused ${event.blockedURI}${where}`);
});"""


@dataclass
class Site:
    """One app as the browser reaches it: its address, its admin and its screenshot folder."""

    name: str
    app: App
    base_url: str
    admin: Admin
    staff: tuple[str, str]
    screenshots: Path

    def screenshot(self, page: Page, name: str) -> None:
        """Save the whole page as build/screenshots/APP/NAME.png, then at phone width."""
        page.screenshot(path=self.screenshots / f"{name}.png", full_page=True)
        self.phone_screenshot(page, name)

    def phone_screenshot(self, page: Page, name: str) -> None:
        """Save the same page at 390x844 as NAME-phone.png, then give back the desktop width."""
        # Beside the desktop ones, so that compare's side-by-side shows them with no change.
        desktop = page.viewport_size
        page.set_viewport_size(PHONE)
        try:
            page.screenshot(path=self.screenshots / f"{name}-phone.png", full_page=True)
        finally:
            page.set_viewport_size(desktop)


def app_names() -> list[str]:
    names = [name.strip() for name in os.environ.get("APPS", "").split(",") if name.strip()]
    for name in names:
        if name not in APPS:
            raise pytest.UsageError(f"APPS: unknown app {name!r}; expected {APPS}")
    return names or list(APPS)


def pytest_generate_tests(metafunc):
    if "site" in metafunc.fixturenames:
        names = app_names()
        metafunc.parametrize("site", names, indirect=True, scope="session", ids=names)


@pytest.fixture(scope="session")
def chromium() -> Browser:
    """Launch Debian's chromium when it is on the PATH, else Playwright's own Chromium."""
    with sync_playwright() as playwright:
        executable = shutil.which("chromium")
        if executable:
            browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        elif environ_flag("CI"):
            pytest.fail("CI=true and no chromium on the PATH (apt-get install -y chromium)")
        else:
            try:
                browser = playwright.chromium.launch()
            except PlaywrightError as error:
                pytest.fail(
                    "no browser: install Debian's chromium (apt-get install -y chromium) or "
                    f"Playwright's (python -m playwright install chromium).\n{error}"
                )
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def site(request, tmp_path_factory) -> Site:
    """One app on the demo data, shared by the session's tests (which add their own data)."""
    with demo_site(request.param, tmp_path_factory.mktemp(request.param)) as served:
        yield served


@contextmanager
def demo_site(name: str, folder: Path):
    """Migrate a fresh SQLite database, load the demo data through the app's CLI, serve it."""
    app = APP_CLASSES[name]()
    database = Databases(folder, None).new(name)
    app.prepare(database.url, STAFF)
    subprocess.run([sys.executable, *SEED_DEMO[name]], cwd=APP_DIRS[name],
                   env=app.env(database.url), check=True, capture_output=True)  # fmt: skip
    server = Server(app, app.env(database.url), folder / "server.log")
    server.start()
    try:
        server.wait_ready()
        screenshots = SCREENSHOTS / name
        screenshots.mkdir(parents=True, exist_ok=True)
        yield Site(name, app, server.base_url, ADMINS[name](), STAFF, screenshots)
    finally:
        server.stop()


@pytest.fixture
def csp_violations() -> list[str]:
    """The Content-Security-Policy violations the test's pages report, as they happen."""
    return []


@pytest.fixture
def new_page(chromium, site, csp_violations):
    """Return a function opening a page in a new browser context (a new visitor's cookies)."""
    contexts = []
    errors: list[str] = []

    def violated(source: dict, text: str) -> None:
        csp_violations.append(f"{source['page'].url}: {text}")

    def open_page() -> Page:
        context = chromium.new_context(base_url=site.base_url, viewport=DESKTOP)
        context.set_default_timeout(TIMEOUT_MS)
        context.expose_binding("reportViolation", violated)
        context.add_init_script(REPORT_VIOLATIONS)
        contexts.append(context)
        page = context.new_page()
        # What only a real browser reports: failing scripts, resources or inline code blocked by
        # the Content-Security-Policy. The journey's own 403 and 404 pages are expected.
        page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))
        page.on("console", lambda message: note(page, message))
        return page

    def note(page: Page, message: ConsoleMessage) -> None:
        if message.type == "error" and not EXPECTED_STATUS.search(message.text):
            errors.append(f"{page.url}: {message.text}")

    yield open_page
    for context in contexts:
        context.close()
    assert not csp_violations, "the policy refused:\n" + "\n".join(csp_violations)
    assert not errors, "the browser reported errors:\n" + "\n".join(errors)


@pytest.fixture(scope="session")
def axe_results():
    """Collect every page's axe-core result of the run; write them to build/axe.json at its end."""
    audits: list[Audit] = []
    yield audits
    if audits:
        write_report(audits)


@pytest.fixture
def axe(site, axe_results) -> Axe:
    """Return this app's axe-core checker; without axe-core a skip (under CI=true, a failure)."""
    if not AXE_SCRIPT.is_file():
        missing = f"no axe-core at {AXE_SCRIPT.relative_to(ROOT)} (make test-browser installs it)"
        if environ_flag("CI"):
            pytest.fail(f"CI=true and {missing}")
        pytest.skip(missing)
    return Axe(site.name, axe_results)
