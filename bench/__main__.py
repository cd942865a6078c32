"""Run the bench: `python -m bench [--quick] [--profile] [--growth] [--scale]`."""

import sys

from bench import growth, profile, run, scale

args = run.parse(sys.argv[1:])
if args.profile:
    sys.exit(profile.main(args.out or run.OUT))
if args.scale:
    sys.exit(scale.main(args))
if args.growth:
    sizes = tuple(int(n) for n in args.sizes.split(",")) if args.sizes else None
    sys.exit(growth.main(args.quick, tuple(args.databases.split(",")), sizes))
sys.exit(run.main(sys.argv[1:]))
