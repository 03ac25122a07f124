"""python -m grader COMMAND: instructor tooling for the course."""
import argparse
import sys

from . import LESSONS, release


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m grader", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("release", help="regenerate lessons/ from solutions/ (outputs stripped)")
    args = parser.parse_args(argv)
    if args.command == "release":
        release.generate(LESSONS)
    return 0


if __name__ == "__main__":
    sys.exit(main())
