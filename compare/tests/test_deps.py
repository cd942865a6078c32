"""Resolving dependencies from package metadata: markers, extras, transitive, size, licence."""

from email.message import Message
from types import SimpleNamespace

from packaging.requirements import Requirement

from compare import deps


def fake_dist(name, version, requires=(), sizes=(), **meta):
    message = Message()
    message["Name"] = name
    for key, value in meta.items():
        for item in value if isinstance(value, list) else [value]:
            message[key.replace("_", "-")] = item
    files = [SimpleNamespace(size=size) for size in sizes]
    return SimpleNamespace(
        metadata=message,
        version=version,
        requires=list(requires),
        files=files,
        locate_file=lambda f: "/nonexistent",
    )


INDEX = {
    "web": fake_dist(
        "Web",
        "1.0",
        ["core>=1", "old-shim; python_version < '3.0'", "fast; extra == 'speed'"],
        sizes=[100, 50],
        License_Expression="BSD-3-Clause",
        Project_URL="Source, https://github.com/Pallets/web",
    ),
    "core": fake_dist("core", "2.0", ["tiny"], sizes=[10], License="MIT", Author="Someone"),
    "tiny": fake_dist(
        "tiny",
        "0.1",
        sizes=[1],
        Classifier=["License :: OSI Approved :: Apache Software License"],
    ),
    "fast": fake_dist("fast", "3.0", sizes=[5]),
    "old-shim": fake_dist("old-shim", "1.0"),
}


def find(name):
    return INDEX.get(name.lower())


def test_requirements_file_follows_includes_and_skips_comments(tmp_path):
    (tmp_path / "base.txt").write_text("# runtime\nweb==1.0  # the framework\n")
    (tmp_path / "dev.txt").write_text("-r base.txt\n\ncore==2.0\n")
    names = [r.name for r in deps.read_requirements(tmp_path / "dev.txt")]
    assert names == ["web", "core"]


def test_transitive_dependencies_with_markers_evaluated():
    packages = deps.resolve([Requirement("web==1.0")], find)
    assert set(packages) == {"web", "core", "tiny"}  # no old-shim (Python 2), no extra
    assert packages["web"]["direct"]
    assert not packages["tiny"]["direct"]
    assert packages["tiny"]["required_by"] == ["core"]


def test_an_extra_brings_its_own_dependencies():
    packages = deps.resolve([Requirement("web[speed]==1.0")], find)
    assert "fast" in packages
    assert packages["fast"]["required_by"] == ["web"]


def test_app_figures_count_size_licence_and_maintainer(tmp_path):
    (tmp_path / "requirements.txt").write_text("web==1.0\ncore==2.0\n")
    figures = deps.app_dependencies(tmp_path / "requirements.txt", find)
    assert (figures["direct"], figures["transitive"], figures["total"]) == (2, 1, 3)
    assert figures["size"] == 150 + 10 + 1
    rows = {row["key"]: row for row in figures["packages"]}
    assert rows["web"]["licence"] == "BSD-3-Clause"
    assert rows["core"]["licence"] == "MIT"
    assert rows["tiny"]["licence"] == "Apache Software License"
    assert rows["web"]["maintainer"] == "github.com/pallets"
    assert rows["core"]["maintainer"] == "Someone"


def test_a_package_not_installed_is_reported_missing(tmp_path):
    (tmp_path / "requirements.txt").write_text("nowhere==1.0\n")
    figures = deps.app_dependencies(tmp_path / "requirements.txt", find)
    assert figures["missing"] == ["nowhere"]


def test_flask_itself_requires_packages_from_real_metadata():
    closure = deps.package_closure("Flask")
    assert {"Werkzeug", "Jinja2", "click"} <= set(closure["requires"])
    assert closure["size"] > 0
