"""`python -m workshop`: the exercises' checkpoints, the solutions' check, the break-it drills.

    check N [--app APP]    exercise N's checkpoint on both apps (`make check STEP=N`)
    solutions              every solution applied in order to a clean copy: each checkpoint
                           fails before its solution and passes after, on both apps
                           (`make solutions`, run by CI)
    break-it [--drill N]   each drill applied to a throw-away copy of the committed apps, one
                           app at a time: the shared suite must catch every one
                           (`make break-it`, run by CI)

The guide is docs/workshop/README.md; the exercises and drills are listed in
docs/workshop/workshop.toml. The work is done by checkpoints.py, solutions.py and breakit.py.
"""

from __future__ import annotations

import argparse

from toolkit.paths import APPS
from workshop import manifest
from workshop.breakit import break_it
from workshop.checkpoints import check
from workshop.solutions import solutions


def parser() -> argparse.ArgumentParser:
    parsing = argparse.ArgumentParser(
        prog="python -m workshop",
        description=__doc__,
        formatter_class=argparse.RawTextHelpFormatter,
    )
    commands = parsing.add_subparsers(dest="command", required=True)
    checking = commands.add_parser("check", help="run one exercise's checkpoint")
    checking.add_argument("number", type=int)
    for command in (
        checking,
        commands.add_parser("solutions"),
        breaking := commands.add_parser("break-it"),
    ):
        command.add_argument("--app", action="append", choices=APPS, dest="apps")
    breaking.add_argument("--drill", action="append", type=int, default=[], dest="drills")
    breaking.add_argument("--jobs", type=int, default=2, help="runs at a time (default 2)")
    return parsing


def main(argv: list[str] | None = None) -> int:
    parsing = parser()
    args = parsing.parse_args(argv)
    apps = args.apps or list(APPS)
    if args.command == "check":
        numbers = [exercise.number for exercise in manifest.load()[0]]
        if args.number not in numbers:
            parsing.error(f"no exercise {args.number}: the exercises are {numbers}")
        return check(args.number, apps)
    if args.command == "solutions":
        return solutions(apps)
    return break_it(args.drills, apps, args.jobs)
