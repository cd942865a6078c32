"""Measure the Django and Flask apps side by side: `python compare.py [--run-setup]`."""

import sys

from compare.cli import main

if __name__ == "__main__":
    sys.exit(main())
