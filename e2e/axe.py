"""axe-core in the browser: run it on a page, keep what it finds, say which findings fail.

axe-core comes from the npm registry, pinned with its hash in e2e/package-lock.json;
`make test-browser` installs it with `npm ci` into build/axe/ (outside the tree).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Page

from toolkit.paths import ROOT

AXE_SCRIPT = ROOT / "build" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
AXE_REPORT = ROOT / "build" / "axe.json"
IMPACTS = ("critical", "serious", "moderate", "minor")
# The admins are the frameworks' own pages, not ours to restyle: there only what blocks people
# (serious, critical) fails; every public page must have no violation at all.
ADMIN_FAILS_ON = ("critical", "serious")
SHOWN_TARGETS = 3

# Run in the page: axe's default rules (WCAG 2.x A and AA, and its best practices) on the whole
# document; only the violations are detailed, node by node. No "cssom" preload: only the
# experimental css-orientation-lock (off by default) reads it, and axe re-reads a sheet that
# @imports another (the Django admin's forms.css) through a <style> element of its own, which
# style-src 'self' refuses: a browser error that new_page would rightly count against the page.
RUN = """async () => {
  const results = await axe.run(document, {
    resultTypes: ["violations"], preload: {assets: ["media"]},
  });
  return {
    version: results.testEngine.version,
    violations: results.violations.map(v => ({
      id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
      targets: v.nodes.map(node => node.target.flat().join(" ")),
    })),
  };
}"""


@dataclass
class Audit:
    """What axe-core found on one page of one app, and which impacts fail that page."""

    app: str
    page: str
    url: str
    fails_on: tuple[str, ...]
    violations: list[dict]
    version: str

    def failures(self) -> list[dict]:
        return [v for v in self.violations if v["impact"] in self.fails_on]

    def as_json(self) -> dict:
        """Return the page's entry of build/axe.json: its violations grouped by impact."""
        by_impact = {impact: [] for impact in IMPACTS}
        for violation in self.violations:
            by_impact.setdefault(violation["impact"] or "unknown", []).append(violation)
        return {
            "app": self.app,
            "page": self.page,
            "url": self.url,
            "fails_on": list(self.fails_on),
            "passed": not self.failures(),
            "violations": by_impact,
        }

    def describe(self) -> str:
        """Say each failing violation: id, impact, help and its first target selectors."""
        lines = [f"{self.app} {self.page} ({self.url}):"]
        for violation in self.failures():
            targets = violation["targets"]
            shown = ", ".join(targets[:SHOWN_TARGETS])
            if len(targets) > SHOWN_TARGETS:
                shown += f" (+{len(targets) - SHOWN_TARGETS} more)"
            lines.append(
                f"  {violation['id']} [{violation['impact']}] {violation['help']}: {shown}"
            )
        return "\n".join(lines)


@dataclass
class Axe:
    """Check pages of one app with axe-core in one test; add each result to the run's report."""

    app: str
    report: list[Audit]
    results: list[Audit] = field(default_factory=list)

    def prepare(self, page: Page) -> Page:
        """Load axe-core into every document the page opens from now on; return the page."""
        # An init script goes in through the DevTools protocol, which the Content-Security-Policy
        # (script-src 'self') does not govern, so the policy stays on: a <script> tag would be
        # refused, and bypass_csp=True would also lift style-src 'self', so axe would judge
        # inline styles (colours, contrast) that the visitor's browser refuses to apply.
        page.add_init_script(path=AXE_SCRIPT)
        return page

    def check(self, page: Page, name: str, admin: bool = False) -> Audit:
        """Run axe-core on the page once it has loaded; keep the result under NAME."""
        # A form that appears after a click may be drawn before the page's stylesheets arrive;
        # colour contrast read then is not what a visitor sees.
        page.wait_for_load_state("load")
        found = page.evaluate(RUN)
        fails_on = ADMIN_FAILS_ON if admin else IMPACTS
        audit = Audit(self.app, name, page.url, fails_on, found["violations"], found["version"])
        self.results.append(audit)
        self.report.append(audit)
        return audit

    def verdict(self) -> str:
        """Return the failing pages' violations of this test, or "" when every page passed."""
        failing = [audit for audit in self.results if audit.failures()]
        if not failing:
            return ""
        header = f"axe-core {failing[0].version} found violations on {len(failing)} page(s):"
        return "\n".join([header, *(audit.describe() for audit in failing)])


def write_report(audits: list[Audit], path: Path = AXE_REPORT) -> None:
    """Write every page's result to build/axe.json (page, app, violations by impact)."""
    report = {
        "axe_core": audits[0].version,
        "pages": [audit.as_json() for audit in audits],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2) + "\n")
