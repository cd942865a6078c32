"""Where things are: the repository, the apps and their folders, the spec, the build folder."""

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ("django", "flask")
APP_FOLDERS = {"django": "django_app", "flask": "flask_app"}
APP_DIRS = {app: ROOT / folder for app, folder in APP_FOLDERS.items()}
SHARED_SPEC = ROOT / "shared_spec"
BUILD = ROOT / "build"
PYTHON = sys.executable


def read_json(path: Path) -> dict | None:
    """Return a results file written by another command, or None when it has not run (or broke)."""
    if not path.is_file():
        return None
    try:
        return json.loads(path.read_text())
    except json.JSONDecodeError:
        return None
