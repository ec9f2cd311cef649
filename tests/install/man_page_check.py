#!/usr/bin/env python3
"""Checks the generated leakwatch(1): groff renders it without a warning, and
it documents every subcommand and every option of runtime/core/options.inc
(as its --flag, and --no-flag for booleans).

usage: man_page_check.py MAN_PAGE OPTIONS_INC
"""
import re
import shutil
import subprocess
import sys

COMMANDS = ["run", "report", "top", "snapshot", "check", "diff", "mtrace"]


def fail(message):
    print(f"man_page_check: {message}", file=sys.stderr)
    sys.exit(1)


def main():
    man_page, options_inc = sys.argv[1], sys.argv[2]
    groff = shutil.which("groff")
    if not groff:
        fail("no groff (apt-get install groff-base)")
    # ASCII without overstriking, long lines: flags come out verbatim.
    run = subprocess.run([groff, "-man", "-Tascii", "-P-cbou", "-ww", "-rLL=200n", man_page],
                         capture_output=True, text=True)
    if run.returncode != 0 or run.stderr.strip():
        fail(f"groff exited with {run.returncode}:\n{run.stderr}")
    text = run.stdout
    if "LEAKWATCH(1)" not in text:
        fail("no LEAKWATCH(1) header in the rendered page")
    for section in ("NAME", "SYNOPSIS", "DESCRIPTION", "COMMANDS", "ENVIRONMENT", "EXIT STATUS"):
        if not re.search(rf"^{section}$", text, re.M):
            fail(f"no {section} section")
    for command in COMMANDS:
        if not re.search(rf"^\s+{command}$", text, re.M):
            fail(f"no subsection for the {command} command")
        if f"leakwatch {command}" not in text:
            fail(f"no synopsis for leakwatch {command}")
    options = re.findall(r"^OPTION\((\w+),\s*(\w+),", open(options_inc).read(), re.M)
    if len(options) < 10:
        fail(f"read only {len(options)} options from {options_inc}")
    missing = []
    for kind, name in options:
        flags = ["--" + name.replace("_", "-")]
        if kind == "bool":
            flags.append("--no-" + name.replace("_", "-"))
        missing += [flag for flag in flags if not re.search(rf"{re.escape(flag)}\b(?!-)", text)]
    if missing:
        fail(f"options missing from the man page: {', '.join(missing)}")
    print(f"man_page_check: {len(options)} options and {len(COMMANDS)} commands documented; "
          f"{len(text.splitlines())} lines render cleanly")


if __name__ == "__main__":
    main()
