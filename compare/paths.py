"""Where things are: the repository, each app's folder, the shared spec and the build folder."""

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ("django", "flask")
APP_DIRS = {"django": ROOT / "django_app", "flask": ROOT / "flask_app"}
SHARED_SPEC = ROOT / "shared_spec"
BUILD = ROOT / "build"
PYTHON_VENV = ROOT / ".venv" / "bin" / "python"


def read_json(path: Path) -> dict | None:
    """Return a results file written by another command, or None when it has not run (or broke)."""
    if not path.is_file():
        return None
    try:
        return json.loads(path.read_text())
    except json.JSONDecodeError:
        return None
