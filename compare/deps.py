"""Resolve each app's dependencies from installed metadata: direct, transitive, size, licence."""

from __future__ import annotations

import importlib.metadata as metadata
import re
from pathlib import Path
from urllib.parse import urlsplit

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

LICENSE_CLASSIFIER = "License :: "


def read_requirements(path: Path) -> list[Requirement]:
    """Read a requirements file (following `-r` includes) into Requirement objects."""
    found = []
    for raw in path.read_text().splitlines():
        line = raw.split(" #", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith(("-r ", "--requirement ")):
            found += read_requirements(path.parent / line.split(None, 1)[1])
        elif not line.startswith("-"):
            found.append(Requirement(line))
    return found


def requirement_applies(requirement: Requirement, extras: set[str]) -> bool:
    """Return whether a requirement's marker holds here, for the extras asked of its parent."""
    if requirement.marker is None:
        return True
    environment = default_environment()
    # A marker is checked once with no extra (plain conditions) and once per extra asked for.
    return any(
        requirement.marker.evaluate({**environment, "extra": extra}) for extra in extras | {""}
    )


def find_distribution(name: str, distributions=None):
    """Return the installed distribution called `name` (any spelling), or None."""
    try:
        return (distributions or metadata).distribution(name)
    except metadata.PackageNotFoundError:
        return None


def resolve(direct: list[Requirement], find=find_distribution) -> dict[str, dict]:
    """Walk the installed metadata from the direct requirements; return each package found.

    Each entry: name, version, direct (bool), required_by (names), requires (names), and the
    distribution itself under "dist" (None when the package is not installed).
    """
    packages: dict[str, dict] = {}
    queue = [(req, None) for req in direct]
    while queue:
        requirement, parent = queue.pop(0)
        key = canonicalize_name(requirement.name)
        entry = packages.get(key)
        if entry is None:
            dist = find(requirement.name)
            entry = packages[key] = {
                "name": dist.metadata["Name"] if dist else requirement.name,
                "version": dist.version if dist else None,
                "direct": parent is None,
                "required_by": [],
                "requires": [],
                "extras": set(),
                "dist": dist,
            }
            new_extras = set(requirement.extras)
        else:
            new_extras = set(requirement.extras) - entry["extras"]
            if parent is None:
                entry["direct"] = True
        if parent is not None and parent not in entry["required_by"]:
            entry["required_by"].append(parent)
        first_visit = not entry["requires"] and not entry["extras"] and parent is not None
        entry["extras"] |= set(requirement.extras)
        if entry["dist"] is None or not (new_extras or first_visit or parent is None):
            continue
        for spec in entry["dist"].requires or []:
            child = Requirement(spec)
            if requirement_applies(child, entry["extras"]):
                child_key = canonicalize_name(child.name)
                if child_key not in entry["requires"]:
                    entry["requires"].append(child_key)
                queue.append((child, key))
    return packages


def installed_size(dist) -> int:
    """Return the bytes a distribution takes on disk, from its RECORD (stat when no size given)."""
    total = 0
    for file in dist.files or []:
        if file.size:
            total += file.size
        else:
            located = Path(dist.locate_file(file))
            if located.is_file():
                total += located.stat().st_size
    return total


def licence(dist) -> str:
    """Return a licence: License-Expression, else a short License, else the classifiers."""
    meta = dist.metadata
    if meta.get("License-Expression"):
        return meta["License-Expression"]
    text = (meta.get("License") or "").strip()
    if text and "\n" not in text and len(text) <= 40:
        return text
    classifiers = [
        c.split(" :: ")[-1]
        for c in meta.get_all("Classifier") or []
        if c.startswith(LICENSE_CLASSIFIER)
    ]
    if classifiers:
        return ", ".join(classifiers)
    return text.splitlines()[0][:40] if text else "unknown"


def project_home(dist) -> str:
    """Return who maintains a package: the code host's owner (github.com/OWNER), else the author."""
    meta = dist.metadata
    urls = [u.split(",", 1)[-1].strip() for u in meta.get_all("Project-URL") or []]
    urls += [meta.get("Home-page") or ""]
    for url in urls:
        parts = urlsplit(url)
        if parts.netloc in ("github.com", "gitlab.com", "codeberg.org", "bitbucket.org"):
            owner = parts.path.strip("/").split("/")[0]
            if owner:
                return f"{parts.netloc}/{owner.lower()}"
    author = meta.get("Maintainer") or meta.get("Author") or ""
    if not author:
        email = meta.get("Maintainer-email") or meta.get("Author-email") or ""
        author = re.sub(r"\s*<.*?>", "", email)
    return author.split(",")[0].strip() or "unknown"


def app_dependencies(requirements: Path, find=find_distribution) -> dict:
    """Return one app's dependency figures: each package, the counts and the size on disk."""
    direct = read_requirements(requirements)
    packages = resolve(direct, find)
    rows = []
    for key, entry in sorted(packages.items()):
        dist = entry["dist"]
        rows.append(
            {
                "name": entry["name"],
                "key": key,
                "version": entry["version"],
                "direct": entry["direct"],
                "required_by": sorted(entry["required_by"]),
                "requires": sorted(entry["requires"]),
                "size": installed_size(dist) if dist else 0,
                "licence": licence(dist) if dist else "not installed",
                "maintainer": project_home(dist) if dist else "unknown",
                "installed": dist is not None,
            }
        )
    return {
        "requirements": requirements.name,
        "packages": rows,
        "direct": sum(1 for r in rows if r["direct"]),
        "transitive": sum(1 for r in rows if not r["direct"]),
        "total": len(rows),
        "size": sum(r["size"] for r in rows),
        "maintainers": sorted({r["maintainer"] for r in rows}),
        "missing": [r["name"] for r in rows if not r["installed"]],
    }


def package_closure(name: str, find=find_distribution) -> dict:
    """Return one package's own transitive dependencies (for Flask itself: claim C9)."""
    packages = resolve([Requirement(name)], find)
    others = [e for k, e in packages.items() if k != canonicalize_name(name)]
    return {
        "name": name,
        "requires": sorted(e["name"] for e in others),
        "size": sum(installed_size(e["dist"]) for e in others if e["dist"]),
    }
