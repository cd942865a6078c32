"""Read pages through the markup contract (shared_spec/MARKUP.md), and nothing else of the HTML."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from http.cookies import Morsel, SimpleCookie
from urllib.parse import parse_qs, urlsplit

import httpx
from bs4 import BeautifulSoup, Tag

from toolkit.browser import soup, textarea_value


def text(element: Tag | None) -> str | None:
    """Return an element's text with its whitespace collapsed, or None for no element."""
    if element is None:
        return None
    return " ".join(element.get_text(" ").split())


# -- headers ---------------------------------------------------------------------------------


def cookies_set(response: httpx.Response) -> dict[str, Morsel]:
    """Return the cookies a response sets, with their attributes (`secure`, `httponly`, …)."""
    found: dict[str, Morsel] = {}
    for header in response.headers.get_list("set-cookie"):
        jar = SimpleCookie()
        jar.load(header)
        found.update(jar)
    return found


def is_deletion(cookie: Morsel) -> bool:
    """Tell whether a Set-Cookie removes its cookie (empty value, or expired at once)."""
    return not cookie.value or cookie["max-age"] in ("0", 0) or "1970" in cookie["expires"]


def content_security_policy(response: httpx.Response) -> dict[str, list[str]]:
    """Return a response's Content-Security-Policy as {directive: [sources]} (lower-case names).

    Several headers (or policies) all apply; a directive repeated in one policy counts once.
    """
    directives: dict[str, list[str]] = {}
    for header in response.headers.get_list("content-security-policy"):
        for policy in header.split(","):
            seen = set()
            for directive in policy.split(";"):
                if not directive.split():
                    continue
                name, *sources = directive.split()
                name = name.lower()
                if name not in seen:
                    seen.add(name)
                    directives.setdefault(name, []).extend(sources)
    return directives


# -- every page ------------------------------------------------------------------------------


def page_title(page) -> str | None:
    return text(soup(page).title)


def h1(page) -> list[str]:
    """Return the text of every <h1> (the contract wants exactly one)."""
    return [text(tag) for tag in soup(page).find_all("h1")]


def lang(page) -> str | None:
    root = soup(page).find("html")
    return root.get("lang") if root else None


def current_user(page) -> str | None:
    """Return the signed-in username the header shows, or None for a visitor's page."""
    return text(soup(page).select_one(".current-user"))


def logout_form(page) -> Tag | None:
    return soup(page).select_one("form.logout")


def has_link(page, href: str, label: str | None = None, cls: str | None = None) -> bool:
    for link in soup(page).find_all("a", href=href):
        if label is not None and text(link) != label:
            continue
        if cls is not None and cls not in (link.get("class") or []):
            continue
        return True
    return False


# -- flash -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Flash:
    level: str
    text: str


def flashes(page) -> list[Flash]:
    """Return the flash messages a page shows, with their level (success, info or error)."""
    found = []
    for item in soup(page).select("ul.messages > li.message"):
        levels = [c.removeprefix("message-") for c in item.get("class", []) if c != "message"]
        found.append(Flash(levels[0] if levels else "", text(item)))
    return found


def flash_texts(page) -> list[str]:
    """Return the flash messages' texts, checking that each has one of the contract's levels."""
    found = flashes(page)
    for flash in found:
        assert flash.level in ("success", "info", "error"), f"flash level {flash.level!r}"
    return [flash.text for flash in found]


# -- forms -----------------------------------------------------------------------------------


def field(page, name: str) -> Tag | None:
    """Return the wrapper `div.field[data-field=NAME]`, or None."""
    return soup(page).select_one(f'div.field[data-field="{name}"]')


def field_names(page, form: str = "form[method=post]:not(.logout)") -> list[str]:
    found = soup(page).select_one(form)
    return (
        [wrapper["data-field"] for wrapper in found.select("div.field[data-field]")]
        if found
        else []
    )


def field_errors(page, name: str) -> list[str]:
    """Return the errors shown in a field's wrapper (empty when it has none)."""
    wrapper = field(page, name)
    assert wrapper is not None, f"no field {name!r} on the page"
    return [text(li) for li in wrapper.select("ul.errorlist > li")]


def fields_in_error(page) -> list[str]:
    return [
        wrapper["data-field"]
        for wrapper in soup(page).select("div.field[data-field]")
        if wrapper.select("ul.errorlist > li")
    ]


def nonfield_errors(page) -> list[str]:
    return [text(li) for li in soup(page).select("form ul.errorlist.nonfield > li")]


def control(page, name: str) -> Tag | None:
    """Return the control named NAME inside its field wrapper."""
    wrapper = field(page, name)
    return wrapper.find(["input", "textarea", "select"], attrs={"name": name}) if wrapper else None


def field_value(page, name: str) -> str | None:
    """Return what a field's control shows (an input's value, a textarea's text, the choice)."""
    found = control(page, name)
    if found is None:
        return None
    if found.name == "textarea":
        return textarea_value(found)
    if found.name == "select":
        chosen = found.find("option", selected=True) or found.find("option")
        return chosen.get("value", chosen.get_text()) if chosen else None
    return found.get("value", "")


def select_options(page, name: str) -> list[str]:
    found = control(page, name)
    return [o.get("value", o.get_text()) for o in found.find_all("option")] if found else []


def label_matches(page, name: str) -> bool:
    """Tell whether a field's <label for> names its control's id."""
    wrapper = field(page, name)
    label = wrapper.find("label") if wrapper else None
    found = control(page, name)
    return bool(label and found and label.get("for") and label["for"] == found.get("id"))


def submit_buttons(page, form: str = "form[method=post]:not(.logout)") -> list[str]:
    found = soup(page).select_one(form)
    return [text(b) for b in found.select('button[type="submit"]')] if found else []


# -- the post list ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ListedPost:
    id: int
    title: str
    href: str
    author: str
    created: datetime


def listed_posts(page) -> list[ListedPost]:
    """Return the posts of a list page, in the order shown."""
    found = []
    for item in soup(page).select("ol.post-list > li.post"):
        link = item.select_one("a.post-title")
        stamp = item.select_one("time.post-created")
        found.append(
            ListedPost(
                id=int(item["data-post-id"]),
                title=link.get_text(),
                href=link.get("href"),
                author=text(item.select_one(".post-author")),
                created=datetime.fromisoformat(stamp["datetime"]),
            )
        )
    return found


def listed_titles(page) -> list[str]:
    return [post.title for post in listed_posts(page)]


def empty_list(page) -> str | None:
    """Return the text of the empty-list element, or None when there is none."""
    return text(soup(page).select_one("p.empty"))


def search_value(page) -> str | None:
    found = soup(page).select_one('form.search input[type="search"][name="q"]')
    return found.get("value", "") if found else None


@dataclass(frozen=True)
class Pagination:
    prev: str | None
    next: str | None
    current: str | None


def pagination(page) -> Pagination | None:
    nav = soup(page).select_one("nav.pagination")
    if nav is None:
        return None
    prev = nav.select_one('a[rel~="prev"]')
    after = nav.select_one('a[rel~="next"]')
    return Pagination(
        prev=prev.get("href") if prev else None,
        next=after.get("href") if after else None,
        current=text(nav.select_one(".page-current")),
    )


def query_of(href: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(href).query, keep_blank_values=True)


# -- one post --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ShownPost:
    id: int
    title: str
    author: str
    status: str
    created: datetime
    body: str
    edit_href: str | None
    delete_href: str | None


def body_text(element: Tag) -> str:
    """Return a body's text with its line breaks (<br>, paragraphs, newlines) as newlines."""
    copy = BeautifulSoup(str(element), "html.parser")
    for br in copy.find_all("br"):
        br.replace_with("\n")
    for para in copy.find_all("p"):
        para.insert_after("\n")
    lines = [" ".join(line.split()) for line in copy.get_text().splitlines()]
    return "\n".join(line for line in lines if line)


def shown_post(page) -> ShownPost | None:
    article = soup(page).select_one("article.post")
    if article is None:
        return None
    edit = article.select_one("a.post-edit") or soup(page).select_one("a.post-edit")
    delete = article.select_one("a.post-delete") or soup(page).select_one("a.post-delete")
    return ShownPost(
        id=int(article["data-post-id"]),
        title=article.select_one("h1.post-title").get_text(),
        author=text(article.select_one(".post-author")),
        status=text(article.select_one(".post-status")),
        created=datetime.fromisoformat(article.select_one("time.post-created")["datetime"]),
        body=body_text(article.select_one("div.post-body")),
        edit_href=edit.get("href") if edit else None,
        delete_href=delete.get("href") if delete else None,
    )
