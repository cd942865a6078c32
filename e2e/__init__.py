"""The real-browser journey: Playwright and Chromium driving both apps under gunicorn."""
