"""What a user does on the site's own pages, through shared_spec/MARKUP.md's markup only."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import Locator, Page, expect

PASSWORD = "Journey-Pass-2026!"

# Run in the page: the accessibility basics every page of the site must meet.
AUDIT = """() => {
  const problems = [];
  if (!document.documentElement.lang) problems.push("<html> has no lang");
  const controls = document.querySelectorAll(
    "input:not([type=hidden]):not([type=submit]):not([type=button]), select, textarea");
  for (const control of controls) {
    const named = control.labels.length > 0 && [...control.labels].some(l => l.textContent.trim());
    if (!named && !control.getAttribute("aria-label") && !control.getAttribute("aria-labelledby"))
      problems.push(`field ${control.name || control.id} has no label`);
  }
  const levels = [...document.querySelectorAll("h1, h2, h3, h4, h5, h6")]
    .map(h => Number(h.tagName[1]));
  if (levels.filter(level => level === 1).length !== 1)
    problems.push(`${levels.filter(level => level === 1).length} <h1> instead of one`);
  if (levels.length && levels[0] !== 1) problems.push(`the first heading is h${levels[0]}`);
  levels.forEach((level, i) => {
    if (i && level > levels[i - 1] + 1)
      problems.push(`heading h${level} follows h${levels[i - 1]}`);
  });
  return problems;
}"""


def token() -> str:
    """Return a unique word to tag this run's data with."""
    return uuid.uuid4().hex[:10]


def audit(page: Page) -> None:
    """Check the page's lang, labels and heading order; fail naming the page and problems."""
    problems = page.evaluate(AUDIT)
    assert not problems, f"{page.url}: {problems}"


def field(page: Page, name: str) -> Locator:
    """Return the control of a form field, inside its MARKUP.md wrapper."""
    return page.locator(f'.field[data-field="{name}"] [name="{name}"]')


def submit(page: Page) -> None:
    """Press the submit button of the page's form that changes something (not the sign-out)."""
    page.locator("form[method=post]:not(.logout) button[type=submit]").click()
    page.wait_for_load_state()


def flash(page: Page) -> Locator:
    return page.locator("ul.messages li.message")


def register(page: Page, username: str, password: str = PASSWORD) -> None:
    """Sign up through the visitor's "Sign up" link."""
    page.goto("/")
    page.locator('a[href="/accounts/register/"]').click()
    audit(page)
    field(page, "username").fill(username)
    field(page, "email").fill(f"{username}@example.com")
    field(page, "password1").fill(password)
    field(page, "password2").fill(password)
    submit(page)
    expect(flash(page)).to_have_text(f"Welcome, {username}! Your account is ready.")
    expect(page.locator(".current-user")).to_have_text(username)


def sign_out(page: Page) -> None:
    page.locator("form.logout button").click()
    page.wait_for_load_state()
    expect(flash(page)).to_have_text("You have been signed out.")
    expect(page.locator(".current-user")).to_have_count(0)


def sign_in(page: Page, username: str, password: str = PASSWORD) -> None:
    """Sign in through the visitor's "Sign in" link."""
    page.goto("/")
    page.locator('a[href="/accounts/login/"]').click()
    audit(page)
    field(page, "username").fill(username)
    field(page, "password").fill(password)
    submit(page)
    expect(flash(page)).to_have_text(f"Signed in as {username}.")
    expect(page.locator(".current-user")).to_have_text(username)


def write_post(page: Page, title: str, body: str, status: str) -> int:
    """Fill the open post form, save it, and return the post's id from the page shown."""
    field(page, "title").fill(title)
    field(page, "body").fill(body)
    field(page, "status").select_option(status)
    submit(page)
    article = page.locator("article.post")
    expect(article.locator("h1.post-title")).to_have_text(title)
    expect(article.locator(".post-status")).to_have_text(status)
    return int(article.get_attribute("data-post-id"))


def search(page: Page, text: str) -> Locator:
    """Search from the home page's search box; return the titles listed."""
    page.goto("/")
    box = page.locator("form.search input[type=search][name=q]")
    box.fill(text)
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"[?&]q="))
    expect(page.locator("form.search input[name=q]")).to_have_value(text)
    return page.locator("ol.post-list li.post a.post-title")
