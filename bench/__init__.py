"""`make bench`: both apps under the same production server, measured in turns."""
