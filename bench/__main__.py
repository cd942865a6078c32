"""Run the bench: `python -m bench [--quick] [--profile]`."""

import sys

from bench import profile, run

args = run.parse(sys.argv[1:])
sys.exit(profile.main(args.out or run.OUT) if args.profile else run.main(sys.argv[1:]))
