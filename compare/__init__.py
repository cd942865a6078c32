"""Measure the Django and Flask apps side by side: the package behind `compare.py`."""
