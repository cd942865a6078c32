"""Where things are: the repository, each app's folder, the shared spec and the build folder."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ("django", "flask")
APP_DIRS = {"django": ROOT / "django_app", "flask": ROOT / "flask_app"}
SHARED_SPEC = ROOT / "shared_spec"
BUILD = ROOT / "build"
PYTHON_VENV = ROOT / ".venv" / "bin" / "python"
