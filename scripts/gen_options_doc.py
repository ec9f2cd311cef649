#!/usr/bin/env python3
"""Writes docs/options.md from runtime/core/options.inc (the one option table).

  scripts/gen_options_doc.py            rewrite docs/options.md
  scripts/gen_options_doc.py --check    exit 1 if docs/options.md is stale
"""
import pathlib
import re
import sys

root = pathlib.Path(__file__).resolve().parent.parent
table = (root / "runtime/core/options.inc").read_text()
pattern = re.compile(r'^OPTION\((\w+),\s*(\w+),\s*("(?:[^"\\]|\\.)*"|[^,]+),\s*"((?:[^"\\]|\\.)*)"\)', re.M)
rows = []
for kind, name, default, doc in pattern.findall(table):
    default = default.strip()
    if default.startswith('"'):
        default = default[1:-1] or "(empty)"
    where = "report" if doc.startswith("REPORT:") else "runtime"
    doc = doc.removeprefix("REPORT:").strip().replace("|", "\\|")
    rows.append(f"| `{name}` | {kind} | `{default}` | {where} | {doc} |")

text = f"""# leakwatch options

Generated from `runtime/core/options.inc` by `scripts/gen_options_doc.py`; do not edit.

Set them in `LEAKWATCH_OPTIONS` as `name=value` pairs separated by `:` (or `,`),
e.g. `LEAKWATCH_OPTIONS=stack_depth=16:format=json`. `leakwatch run` has a flag for each
(`--stack-depth 16`); flags win over the environment. An unknown name or a bad value
prints one `leakwatch: warning:` line naming it, and the program runs with the default.
"report" options matter to whoever renders the report (the CLI).

| option | type | default | used by | meaning |
|---|---|---|---|---|
""" + "\n".join(rows) + "\n"

out = root / "docs/options.md"
if "--check" in sys.argv:
    if not out.exists() or out.read_text() != text:
        print("docs/options.md is stale: run scripts/gen_options_doc.py", file=sys.stderr)
        sys.exit(1)
    print("docs/options.md is up to date")
else:
    out.write_text(text)
