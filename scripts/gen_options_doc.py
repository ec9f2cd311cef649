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
""" + "\n".join(rows) + "\n" + """
## LeakSanitizer's options

A program annotated for LeakSanitizer keeps working as it is: the runtime reads the
program's own `__lsan_default_options()` and `__lsan_default_suppressions()` at init (as
LSan does; they are found in the executable's symbol table too, so no `-rdynamic` is
needed, but a stripped executable hides them), then `LSAN_OPTIONS` over them, then
`LEAKWATCH_OPTIONS` and `leakwatch run`'s flags over both. LSan's syntax applies
(`name=value` separated by spaces, `:`, `,` or newlines; values may be quoted). These
LSan flags have a counterpart; every other one is ignored without a word, as LSan
ignores flags that are not its own:

| LSan flag | leakwatch |
|---|---|
| `exitcode=N` | `error_exitcode=N` |
| `suppressions=FILE` | one more suppression file, after yours; a relative path is looked up in the working directory, then next to the executable (as LSan does). A file that cannot be read is a warning, not an error. |
| `use_unaligned=1` | `scan_unaligned=1` |
| `malloc_context_size=N` | `stack_depth=N` (clamped to 1-64) |
| `detect_leaks=0` | no leak check at all: `__lsan_do_leak_check` and `__lsan_do_recoverable_leak_check` do nothing, and the report lists no leaks (memory errors and mappings still) |
| `leak_check_at_exit=0` | no leak check at exit; the explicit checks still run |

A program that defines `__lsan_is_turned_off()` returning non-zero gets no leak check at
that moment (at exit, or in an explicit check), as with LSan. `__lsan_default_suppressions()`
text is LSan's format (`leak:PATTERN` lines, docs/suppressions.md); the report names its
lines `(__lsan_default_suppressions:LINE)`.
"""

out = root / "docs/options.md"
if "--check" in sys.argv:
    if not out.exists() or out.read_text() != text:
        print("docs/options.md is stale: run scripts/gen_options_doc.py", file=sys.stderr)
        sys.exit(1)
    print("docs/options.md is up to date")
else:
    out.write_text(text)
