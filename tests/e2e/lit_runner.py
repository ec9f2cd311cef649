#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""leakwatch's end-to-end test runner and output checker (stdlib only).

A test is ONE source file that carries its own expectations, as in compiler-rt's
lsan TestCases: `// RUN:` lines at the top say how to build and run it, and
checker directives at the bottom say what the output must contain. The full
reference is docs/testing.md; in brief:

  lit_runner.py [run] [--leakwatch P] [--runtime P] [--cc P] [--cxx P]
                [--clang P] [--clangxx P] [--tmp DIR] [-v] TEST_FILE
      Runs every RUN line of TEST_FILE in order (each with `bash -o pipefail`,
      cwd = the test's temp dir). Exit 0 = pass, 1 = fail, 77 = unsupported
      (a `// REQUIRES:` feature is missing; ctest maps it to "skipped").

  lit_runner.py check --check-file F [--prefix P] [--input FILE]
      FileCheck-like: matches CHECK / CHECK-NEXT / CHECK-SAME / CHECK-NOT /
      CHECK-EMPTY directives of F against the input (stdin by default).
      RUN lines spell this `%check`.

  lit_runner.py check-json --check-file F [--prefix P] [--all] [INPUT]
      Finds the leakwatch JSON report in INPUT (or stdin; other text around
      it is ignored) and checks JSON-SUMMARY / JSON-LEAK / JSON-NO-LEAKS /
      JSON-FIELD directives. RUN lines spell this `%check-json`.

Substitutions in RUN lines: %s %S %t %T %cc %cxx %clang %clangxx %leakwatch
%libleakwatch %python %check %check-json %%. Anything else (e.g. the `%p` of
`--output r-%p.json`) is left alone.

In directive patterns: {{regex}} islands, [[@LINE]] / [[@LINE+N]] /
[[@LINE-N]] (the directive's own line number +- N), [[@name]] (the line
that carries the anchor comment `// @name`), [[VAR:regex]] (capture) and
[[VAR]] (use a capture).
"""

import argparse
import difflib
import json
import os
import re
import shlex
import shutil
import subprocess
import sys

EXIT_PASS = 0
EXIT_FAIL = 1
EXIT_UNSUPPORTED = 77

RUN_TIMEOUT_SECONDS = 100  # per RUN line; ctest's TIMEOUT (120) bounds the whole test


class CheckFileError(Exception):
    """The check file itself is malformed (typo in a directive, bad regex...)."""


class CheckFailure(Exception):
    """The input does not satisfy the directives. str() is the full message."""


# --------------------------------------------------------------------------
# Reading the test file: anchors, line substitutions, directives.
# --------------------------------------------------------------------------

# `// @name` or `/* @name */` at the end of a source line names that line.
ANCHOR_RE = re.compile(r"(?://\s*@([A-Za-z_]\w*)\s*$|/\*\s*@([A-Za-z_]\w*)\s*\*/\s*$)")
LINE_REF_RE = re.compile(r"\[\[@(LINE)([+-]\d+)?\]\]|\[\[@([A-Za-z_]\w*)\]\]")


def read_source(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        return f.read().split("\n")


def collect_anchors(lines, path="<input>"):
    anchors = {}
    for i, line in enumerate(lines, 1):
        m = ANCHOR_RE.search(line)
        if not m:
            continue
        name = m.group(1) or m.group(2)
        if name == "LINE":
            raise CheckFileError(f"{path}:{i}: '@LINE' is reserved and cannot be an anchor")
        if name in anchors:
            raise CheckFileError(
                f"{path}:{i}: anchor '@{name}' already defined on line {anchors[name]}")
        anchors[name] = i
    return anchors


def resolve_line_ref(m, lineno, anchors, where):
    """Returns the line number a [[@LINE+-N]] or [[@name]] reference denotes."""
    if m.group(1):
        return lineno + int(m.group(2) or "0")
    name = m.group(3)
    if name not in anchors:
        known = ", ".join(sorted(anchors)) or "none"
        raise CheckFileError(f"{where}: unknown anchor [[@{name}]] (anchors in file: {known})")
    return anchors[name]


def directive_regex(prefix, suffixes):
    # The prefix must not be glued to a word before it (FOO-CHECK: is not CHECK:).
    alts = "|".join(re.escape(s) for s in sorted(suffixes, key=len, reverse=True))
    return re.compile(r"(?<![\w-])" + re.escape(prefix) + r"(" + alts + r")(:|(?=\s*$))")


TEXT_SUFFIXES = {"": "CHECK", "-NEXT": "NEXT", "-SAME": "SAME", "-NOT": "NOT", "-EMPTY": "EMPTY"}


def parse_text_directives(lines, prefix, path):
    rx = directive_regex(prefix, TEXT_SUFFIXES)
    out = []
    for i, line in enumerate(lines, 1):
        m = rx.search(line)
        if not m:
            continue
        kind = TEXT_SUFFIXES[m.group(1)]
        if m.group(2) != ":":
            if kind == "EMPTY":
                raise CheckFileError(f"{path}:{i}: {prefix}-EMPTY needs a colon")
            continue  # e.g. the word CHECK at the end of a prose comment
        text = line[m.end():].strip()
        if kind == "EMPTY" and text:
            raise CheckFileError(f"{path}:{i}: {prefix}-EMPTY: takes no pattern")
        if kind != "EMPTY" and not text:
            raise CheckFileError(f"{path}:{i}: {prefix}{m.group(1)}: has an empty pattern")
        out.append(Directive(kind, i, text, prefix + m.group(1)))
    return out


class Directive:
    def __init__(self, kind, lineno, text, spelled):
        self.kind = kind
        self.lineno = lineno
        self.text = text
        self.spelled = spelled

    def __repr__(self):
        return f"{self.spelled}@{self.lineno}: {self.text}"


# --------------------------------------------------------------------------
# Pattern compilation (FileCheck-like).
# --------------------------------------------------------------------------

def _find_regex_end(s, start):
    """Index of the '}}' closing a '{{' island whose body starts at `start`.

    Balanced braces inside the regex are skipped, so {{[0-9]{2}}} works."""
    depth = 0
    i = start
    while i < len(s):
        c = s[i]
        if c == "\\":
            i += 2
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            if depth > 0:
                depth -= 1
            elif s.startswith("}}", i):
                return i
        i += 1
    return -1


VAR_RE = re.compile(r"\[\[([A-Za-z_]\w*)(?::(.*?))?\]\]")


def compile_pattern(text, lineno, anchors, variables, where):
    """Translates a directive pattern into a Python regex string.

    Returns (regex_source, names_of_variables_defined_here)."""
    out = []
    defined = []
    i = 0
    literal = []

    def flush_literal():
        if literal:
            chunk = "".join(literal)
            literal.clear()
            # Runs of horizontal whitespace match any (non-empty) run.
            parts = re.split(r"[ \t]+", chunk)
            out.append(r"[ \t]+".join(re.escape(p) for p in parts))

    while i < len(text):
        if text.startswith("{{", i):
            end = _find_regex_end(text, i + 2)
            if end < 0:
                raise CheckFileError(f"{where}: unterminated '{{{{' in pattern: {text}")
            body = text[i + 2:end]
            try:
                re.compile(body)
            except re.error as e:
                raise CheckFileError(f"{where}: bad regex {{{{{body}}}}}: {e}")
            flush_literal()
            out.append("(?:" + body + ")")
            i = end + 2
            continue
        if text.startswith("[[", i):
            m = LINE_REF_RE.match(text, i)
            if m:
                flush_literal()
                n = resolve_line_ref(m, lineno, anchors, where)
                # A line number is never followed by another digit (17 must not match 170).
                out.append(str(n) + r"(?![0-9])")
                i = m.end()
                continue
            m = VAR_RE.match(text, i)
            if m:
                flush_literal()
                name, body = m.group(1), m.group(2)
                if body is not None:
                    try:
                        re.compile(body)
                    except re.error as e:
                        raise CheckFileError(f"{where}: bad regex in [[{name}:{body}]]: {e}")
                    if name in defined:
                        raise CheckFileError(f"{where}: [[{name}]] defined twice in one pattern")
                    out.append(f"(?P<{name}>{body})")
                    defined.append(name)
                else:
                    if name in defined:
                        out.append(f"(?P={name})")
                    elif name in variables:
                        out.append(re.escape(variables[name]))
                    else:
                        raise CheckFileError(f"{where}: use of undefined variable [[{name}]]")
                i = m.end()
                continue
        literal.append(text[i])
        i += 1
    flush_literal()
    return "".join(out), defined


# --------------------------------------------------------------------------
# Text checker.
# --------------------------------------------------------------------------

def _numbered(lines, start=0, mark=None, limit=400):
    shown = lines[start:start + limit]
    res = []
    for k, l in enumerate(shown, start):
        tag = ">>" if mark is not None and k == mark else "  "
        res.append(f"{tag}{k + 1:5}| {l}")
    if len(lines) > start + limit:
        res.append(f"       ... ({len(lines) - start - limit} more lines)")
    return "\n".join(res)


def _nearest_line(lines, start, text):
    """The input line that shares the most text with the pattern (a hint only)."""
    literal = re.sub(r"\{\{.*?\}\}|\[\[.*?\]\]", " ", text).strip()
    if not literal:
        return None
    best, best_i = 0.0, None
    for k in range(start, len(lines)):
        sm = difflib.SequenceMatcher(None, literal, lines[k].strip(), autojunk=False)
        score = sum(b.size for b in sm.get_matching_blocks()) / len(literal)
        if score > best:
            best, best_i = score, k
    return best_i if best >= 0.6 else None


class TextChecker:
    def __init__(self, check_path, prefix="CHECK", check_lines=None):
        self.path = check_path
        self.prefix = prefix
        self.src = check_lines if check_lines is not None else read_source(check_path)
        self.anchors = collect_anchors(self.src, check_path)
        self.directives = parse_text_directives(self.src, prefix, check_path)
        if not self.directives:
            raise CheckFileError(
                f"{check_path}: no '{prefix}:' directives found (typo in --prefix?)")

    def _where(self, d):
        return f"{self.path}:{d.lineno}"

    def _compile(self, d, variables):
        src, defined = compile_pattern(d.text, d.lineno, self.anchors, variables, self._where(d))
        return re.compile(src), defined

    def _fail(self, d, what, lines, scan_from, regex, extra=""):
        msg = [f"{self._where(d)}: error: {d.spelled}: {what}",
               f"  directive: {self.src[d.lineno - 1].strip()}",
               f"  as regex:  {regex.pattern}"]
        if extra:
            msg.append(extra)
        near = _nearest_line(lines, scan_from, d.text)
        if near is not None:
            msg.append(f"  possible intended match at input line {near + 1}: {lines[near]!r}")
        msg.append(f"input (scanning from line {scan_from + 1}, marked >>):")
        msg.append(_numbered(lines, 0, mark=scan_from))
        raise CheckFailure("\n".join(msg))

    def _check_nots(self, nots, lines, start, end, variables):
        """No NOT pattern may match between position start and end (exclusive)."""
        (l0, c0), (l1, c1) = start, end
        for d in nots:
            rx, _ = self._compile(d, variables)
            for li in range(l0, min(l1, len(lines) - 1) + 1):
                s = lines[li]
                lo = c0 if li == l0 else 0
                hi = c1 if li == l1 else len(s)
                m = rx.search(s, lo, hi) if lo <= hi else None
                if m:
                    raise CheckFailure("\n".join([
                        f"{self._where(d)}: error: {d.spelled}: excluded string found in input",
                        f"  directive: {self.src[d.lineno - 1].strip()}",
                        f"  as regex:  {rx.pattern}",
                        f"  found at input line {li + 1}: {s!r}",
                        "input:", _numbered(lines, 0, mark=li)]))

    def check(self, text):
        text = text.replace("\r\n", "\n")
        lines = text.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        positives = [d for d in self.directives if d.kind != "NOT"]
        if not lines and positives:
            raise CheckFailure(f"{self.path}: error: empty input, but {len(positives)} "
                               f"'{self.prefix}' directives expect something "
                               f"(first: line {positives[0].lineno}: {positives[0].text})")
        variables = {}
        pos = (0, 0)          # where scanning continues
        prev_line = None      # line of the previous positive match
        nots = []
        for d in self.directives:
            if d.kind == "NOT":
                nots.append(d)
                continue
            if d.kind == "EMPTY":
                if prev_line is None:
                    raise CheckFileError(f"{self._where(d)}: {d.spelled} cannot be the first match")
                want = prev_line + 1
                if want >= len(lines) or lines[want].strip() != "":
                    got = repr(lines[want]) if want < len(lines) else "end of input"
                    raise CheckFailure(
                        f"{self._where(d)}: error: {d.spelled}: expected an empty line at input "
                        f"line {want + 1}, got {got}\ninput:\n{_numbered(lines, 0, mark=want)}")
                self._check_nots(nots, lines, pos, (want, 0), variables)
                nots = []
                pos, prev_line = (want, len(lines[want])), want
                continue
            rx, defined = self._compile(d, variables)
            found = None
            if d.kind == "CHECK":
                for li in range(pos[0], len(lines)):
                    m = rx.search(lines[li], pos[1] if li == pos[0] else 0)
                    if m:
                        found = (li, m)
                        break
                if not found:
                    self._fail(d, "expected string not found in input", lines, pos[0], rx)
            elif d.kind == "NEXT":
                if prev_line is None:
                    raise CheckFileError(f"{self._where(d)}: {d.spelled} cannot be the first match")
                li = prev_line + 1
                m = rx.search(lines[li]) if li < len(lines) else None
                if not m:
                    later = next((k for k in range(li + 1, len(lines)) if rx.search(lines[k])), None)
                    extra = (f"  (it does match later, at input line {later + 1}: {lines[later]!r})"
                             if later is not None else "")
                    got = repr(lines[li]) if li < len(lines) else "end of input"
                    self._fail(d, f"expected on the line after input line {prev_line + 1}, "
                               f"i.e. line {li + 1}, which is {got}", lines, min(li, len(lines)),
                               rx, extra)
                found = (li, m)
            elif d.kind == "SAME":
                if prev_line is None:
                    raise CheckFileError(f"{self._where(d)}: {d.spelled} cannot be the first match")
                m = rx.search(lines[prev_line], pos[1] if pos[0] == prev_line else 0)
                if not m:
                    self._fail(d, f"expected on the same input line {prev_line + 1} "
                               f"(after column {pos[1]}): {lines[prev_line]!r}",
                               lines, prev_line, rx)
                found = (prev_line, m)
            li, m = found
            self._check_nots(nots, lines, pos, (li, m.start()), variables)
            nots = []
            for name in defined:
                variables[name] = m.group(name)
            pos, prev_line = (li, m.end()), li
        if nots:
            end = (len(lines) - 1, len(lines[-1])) if lines else (0, 0)
            self._check_nots(nots, lines, pos, end, variables)


# --------------------------------------------------------------------------
# JSON report checker.
# --------------------------------------------------------------------------

JSON_SUFFIXES = {"-SUMMARY": "SUMMARY", "-LEAK": "LEAK", "-NO-LEAKS": "NO-LEAKS",
                 "-FIELD": "FIELD"}
LEAK_KEYS = {"bytes", "blocks", "kinds", "frames", "depth", "inherited"}


def _split_outside_braces(s, sep):
    parts, depth, cur, i = [], 0, [], 0
    while i < len(s):
        if s.startswith("{{", i):
            end = _find_regex_end(s, i + 2)
            if end < 0:
                raise CheckFileError(f"unterminated '{{{{' in {s!r}")
            cur.append(s[i:end + 2])
            i = end + 2
            continue
        if s[i] == sep and depth == 0:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(s[i])
        i += 1
    parts.append("".join(cur))
    return parts


def _parse_value(v):
    try:
        return json.loads(v)
    except ValueError:
        return v


class FrameSpec:
    """`function[@file[:line]]` - function is a name, '*' or a {{regex}};
    file is a basename, '*' or '-' (the frame must have no file)."""

    def __init__(self, spec, where):
        self.spec = spec
        parts = _split_outside_braces(spec, "@")
        if len(parts) > 2 or not parts[0]:
            raise CheckFileError(f"{where}: bad frame '{spec}' (want function[@file[:line]])")
        self.func = parts[0]
        self.file = None
        self.line = None
        if len(parts) == 2:
            f, sep, l = parts[1].rpartition(":")
            if sep and l.isdigit():
                self.file, self.line = f, int(l)
            else:
                self.file = parts[1]
            if not self.file:
                raise CheckFileError(f"{where}: bad frame '{spec}': empty file")
        if self.func.startswith("{{") and self.func.endswith("}}"):
            try:
                self.func_rx = re.compile(self.func[2:-2])
            except re.error as e:
                raise CheckFileError(f"{where}: bad regex in frame '{spec}': {e}")
        else:
            self.func_rx = None

    def matches(self, frame):
        fn = frame.get("function") or ""
        if self.func_rx is not None:
            if not self.func_rx.fullmatch(fn):
                return False
        elif self.func != "*":
            # `foo` also matches a demangled `foo(int)` / `foo() const`.
            if fn != self.func and not fn.startswith(self.func + "("):
                return False
        if self.file is not None:
            actual = frame.get("file")
            if self.file == "-":
                if actual:
                    return False
            elif self.file != "*" and os.path.basename(actual or "") != self.file:
                return False
        if self.line is not None and frame.get("line") != self.line:
            return False
        return True


class LeakSpec:
    def __init__(self, d, text, where):
        self.directive = d
        self.where = where
        self.fields = {}
        for tok in text.split():
            k, sep, v = tok.partition("=")
            if not sep or k not in LEAK_KEYS:
                raise CheckFileError(
                    f"{where}: bad JSON-LEAK item '{tok}' (keys: {', '.join(sorted(LEAK_KEYS))})")
            if k in self.fields:
                raise CheckFileError(f"{where}: '{k}' given twice")
            if k in ("bytes", "blocks", "depth", "inherited"):
                if not v.isdigit():
                    raise CheckFileError(f"{where}: {k} must be a number, got '{v}'")
                self.fields[k] = int(v)
            elif k == "kinds":
                self.fields[k] = set(v.split(","))
            else:
                self.fields[k] = [FrameSpec(f, where) for f in _split_outside_braces(v, ",")]
        if not self.fields:
            raise CheckFileError(f"{where}: empty JSON-LEAK")

    def mismatch(self, leak):
        """None if `leak` satisfies this spec, else a reason."""
        for k in ("bytes", "blocks"):
            if k in self.fields and leak.get(k) != self.fields[k]:
                return f"{k} {leak.get(k)} != {self.fields[k]}"
        if "inherited" in self.fields and leak.get("inherited_blocks", 0) != self.fields["inherited"]:
            return f"inherited blocks {leak.get('inherited_blocks', 0)} != {self.fields['inherited']}"
        if "kinds" in self.fields and set(leak.get("allocation_kinds") or []) != self.fields["kinds"]:
            return f"kinds {sorted(leak.get('allocation_kinds') or [])} != {sorted(self.fields['kinds'])}"
        stack = leak.get("stack") or []
        if "depth" in self.fields and len(stack) != self.fields["depth"]:
            return f"depth {len(stack)} != {self.fields['depth']}"
        for i, fs in enumerate(self.fields.get("frames", [])):
            if i >= len(stack):
                return f"stack has only {len(stack)} frame(s), wanted frame #{i} {fs.spec}"
            if not fs.matches(stack[i]):
                return f"frame #{i} is {render_frame(stack[i])}, wanted {fs.spec}"
        return None


def render_frame(fr):
    fn = fr.get("function") or "??"
    if fr.get("file"):
        s = f"{fn}@{os.path.basename(fr['file'])}:{fr.get('line')}"
    else:
        s = f"{fn}@-({os.path.basename(fr.get('module') or '?')}+{fr.get('offset')})"
    return s + ("[inlined]" if fr.get("inlined") else "")


def render_leak(leak, max_frames=6):
    stack = leak.get("stack") or []
    frames = ",".join(render_frame(f) for f in stack[:max_frames])
    more = f",...(+{len(stack) - max_frames})" if len(stack) > max_frames else ""
    kinds = ",".join(leak.get("allocation_kinds") or [])
    return (f"bytes={leak.get('bytes')} blocks={leak.get('blocks')} kinds={kinds} "
            f"depth={len(stack)} frames={frames}{more}")


def find_json_reports(text):
    """All leakwatch reports (dicts with "version" and "leaks") found in text."""
    text = text.strip()
    try:
        doc = json.loads(text)
        if isinstance(doc, dict):
            return [doc]
        if isinstance(doc, list):
            return [d for d in doc if isinstance(d, dict)]
    except ValueError:
        pass
    dec = json.JSONDecoder()
    reports, i = [], 0
    while True:
        i = text.find("{", i)
        if i < 0:
            return reports
        try:
            doc, end = dec.raw_decode(text, i)
        except ValueError:
            i += 1
            continue
        if isinstance(doc, dict) and "version" in doc and ("leaks" in doc or "summary" in doc):
            reports.append(doc)
            i = end
        else:
            i += 1


def _get_path(doc, path):
    cur = doc
    for part in path.split("."):
        if isinstance(cur, list) and part.isdigit() and int(part) < len(cur):
            cur = cur[int(part)]
        elif isinstance(cur, dict) and part in cur:
            cur = cur[part]
        else:
            raise KeyError(path)
    return cur


class JsonChecker:
    def __init__(self, check_path, prefix="JSON", check_lines=None):
        self.path = check_path
        self.prefix = prefix
        self.src = check_lines if check_lines is not None else read_source(check_path)
        self.anchors = collect_anchors(self.src, check_path)
        rx = directive_regex(prefix, JSON_SUFFIXES)
        self.summary, self.fields, self.leaks = [], [], []
        self.no_leaks = None
        count = 0
        for i, line in enumerate(self.src, 1):
            m = rx.search(line)
            if not m:
                continue
            kind = JSON_SUFFIXES[m.group(1)]
            if m.group(2) != ":" and kind != "NO-LEAKS":
                continue
            where = f"{check_path}:{i}"
            text = LINE_REF_RE.sub(
                lambda mm: str(resolve_line_ref(mm, i, self.anchors, where)), line[m.end():]).strip()
            count += 1
            if kind == "NO-LEAKS":
                if text:
                    raise CheckFileError(f"{where}: {prefix}-NO-LEAKS takes no argument")
                self.no_leaks = i
            elif kind == "LEAK":
                self.leaks.append(LeakSpec(i, text, where))
            else:
                items = []
                for tok in text.split():
                    k, sep, v = tok.partition("=")
                    if not sep or not k:
                        raise CheckFileError(f"{where}: expected key=value, got '{tok}'")
                    items.append((k, _parse_value(v)))
                if not items:
                    raise CheckFileError(f"{where}: {prefix}-{kind}: needs key=value items")
                (self.summary if kind == "SUMMARY" else self.fields).append((i, items))
        if count == 0:
            raise CheckFileError(f"{check_path}: no '{prefix}-...' directives found")
        if self.no_leaks and self.leaks:
            raise CheckFileError(f"{check_path}:{self.no_leaks}: {prefix}-NO-LEAKS together "
                                 f"with {prefix}-LEAK lines")

    def check(self, report):
        errors = []
        for lineno, items in self.summary:
            summ = report.get("summary")
            for k, v in items:
                if not isinstance(summ, dict) or k not in summ:
                    errors.append(f"{self.path}:{lineno}: summary has no '{k}'")
                elif summ[k] != v:
                    errors.append(f"{self.path}:{lineno}: summary.{k} is {json.dumps(summ[k])}, "
                                  f"expected {json.dumps(v)}")
        for lineno, items in self.fields:
            for k, v in items:
                try:
                    got = _get_path(report, k)
                except KeyError:
                    errors.append(f"{self.path}:{lineno}: report has no field '{k}'")
                    continue
                if got != v:
                    errors.append(f"{self.path}:{lineno}: {k} is {json.dumps(got)}, "
                                  f"expected {json.dumps(v)}")
        leaks = report.get("leaks")
        if (self.no_leaks or self.leaks) and not isinstance(leaks, list):
            errors.append(f"{self.path}: report has no 'leaks' array")
        elif self.no_leaks:
            if leaks:
                errors.append(f"{self.path}:{self.no_leaks}: {self.prefix}-NO-LEAKS, but the "
                              f"report has {len(leaks)} leak site(s):\n" +
                              "\n".join("    " + render_leak(l) for l in leaks))
            s = report.get("summary") or {}
            for k in ("leaked_bytes", "leaked_blocks"):
                if s.get(k) not in (0, None):
                    errors.append(f"{self.path}:{self.no_leaks}: {self.prefix}-NO-LEAKS, but "
                                  f"summary.{k} = {s.get(k)}")
        elif self.leaks:
            errors.extend(self._match_leaks(leaks))
        if errors:
            raise CheckFailure("\n".join(errors))

    def _match_leaks(self, leaks):
        specs = self.leaks
        assignment = [None] * len(specs)
        used = [False] * len(leaks)

        def solve(i):
            if i == len(specs):
                return True
            for j, leak in enumerate(leaks):
                if not used[j] and specs[i].mismatch(leak) is None:
                    used[j], assignment[i] = True, j
                    if solve(i + 1):
                        return True
                    used[j], assignment[i] = False, None
            return False

        if len(specs) == len(leaks) and solve(0):
            return []
        msg = [f"{self.path}: error: the report's leak sites are not exactly the "
               f"{len(specs)} {self.prefix}-LEAK site(s) expected ({len(leaks)} in the report)."]
        msg.append("expected:")
        for s in specs:
            hits = [j for j, l in enumerate(leaks) if s.mismatch(l) is None]
            if hits:
                note = "matches actual #" + ", #".join(str(h) for h in hits)
            elif leaks:
                # Explain against the closest actual leak (fewest-failing key first).
                reasons = [s.mismatch(l) for l in leaks]
                best = min(range(len(leaks)), key=lambda j: (
                    not reasons[j].startswith("frame"), -(leaks[j].get("bytes") == s.fields.get("bytes"))))
                note = f"NO MATCH (vs actual #{best}: {reasons[best]})"
            else:
                note = "NO MATCH"
            msg.append(f"  line {s.directive}: {self.src[s.directive - 1].strip()}\n      -> {note}")
        msg.append("actual:")
        for j, l in enumerate(leaks):
            matched = any(s.mismatch(l) is None for s in specs)
            msg.append(f"  #{j}{'' if matched else ' (UNEXPECTED)'}: {render_leak(l)}")
        return ["\n".join(msg)]


# --------------------------------------------------------------------------
# The run mode.
# --------------------------------------------------------------------------

RUN_RE = re.compile(r"^\s*(?://|#|;)\s*RUN:(.*)$")
REQUIRES_RE = re.compile(r"^\s*(?://|#|;)\s*REQUIRES:(.*)$")

# Shell helpers available to every RUN line.
# Their complaints go to fd 9, the RUN line's own stderr, so that they are
# shown even when the command's stderr is piped into a checker.
PRELUDE = r"""
exec 9>&2
# not CMD...: succeed iff CMD exits non-zero.
not() { "$@"; local rc=$?; if [ "$rc" -eq 0 ]; then echo "not: command succeeded: $*" >&9; return 1; fi; return 0; }
# expect_exit N CMD...: succeed iff CMD exits with exactly N.
expect_exit() { local want=$1; shift; "$@"; local rc=$?; if [ "$rc" -ne "$want" ]; then echo "expect_exit: expected exit status $want, got $rc: $*" >&9; return 1; fi; return 0; }
"""


def parse_run_lines(lines):
    runs, cur, start = [], None, None
    for i, line in enumerate(lines, 1):
        m = RUN_RE.match(line)
        if not m:
            if cur is not None:
                raise CheckFileError(f"line {start}: RUN line ends with '\\' but line {i} "
                                     "is not a RUN line")
            continue
        body = m.group(1).strip()
        if cur is None:
            cur, start = [], i
        if body.endswith("\\"):
            cur.append(body[:-1].rstrip())
            continue
        cur.append(body)
        runs.append((start, " ".join(p for p in cur if p)))
        cur = None
    if cur is not None:
        raise CheckFileError(f"line {start}: last RUN line ends with '\\'")
    return runs


SUBST_RE = re.compile(
    r"%(check-json|check|libleakwatch|leakwatch|python|clangxx|clang|cxx|cc|S|s|t|T|%)")


def build_substitutions(args, test_path, tmpdir):
    q = shlex.quote
    py = q(args.python or sys.executable)
    me = q(os.path.abspath(__file__))
    src = os.path.abspath(test_path)
    name = os.path.basename(test_path)
    return {
        "s": q(src),
        "S": q(os.path.dirname(src)),
        "t": q(os.path.join(tmpdir, name + ".tmp")),
        "T": q(tmpdir),
        "cc": args.cc and q(args.cc),
        "cxx": args.cxx and q(args.cxx),
        "clang": args.clang and q(args.clang),
        "clangxx": args.clangxx and q(args.clangxx),
        "leakwatch": args.leakwatch and q(os.path.abspath(args.leakwatch)),
        "libleakwatch": args.runtime and q(os.path.abspath(args.runtime)),
        "python": py,
        "check": f"{py} {me} check --check-file {q(src)}",
        "check-json": f"{py} {me} check-json --check-file {q(src)}",
        "%": "%",
    }


def substitute(cmd, subs, where):
    def repl(m):
        v = subs[m.group(1)]
        if v is None:
            raise CheckFileError(f"{where}: %{m.group(1)} is used but the runner was not given "
                                 f"its value (--{ {'libleakwatch': 'runtime'}.get(m.group(1), m.group(1))})")
        return v
    return SUBST_RE.sub(repl, cmd)


def available_features(args):
    feats = {"linux"} if sys.platform.startswith("linux") else set()
    if args.clang and shutil.which(args.clang):
        feats.add("clang")
    if args.clangxx and shutil.which(args.clangxx):
        feats.add("clangxx")
    if shutil.which("valgrind"):
        feats.add("valgrind")
    if any(shutil.which(name) for name in (os.environ.get("CHROMIUM"), "chromium", "chromium-browser")
           if name):
        feats.add("chromium")
    if args.cc and shutil.which(args.cc):
        try:
            p = subprocess.run([args.cc, "-print-file-name=libc.a"], capture_output=True,
                               text=True, timeout=30)
            path = p.stdout.strip()
            if os.path.isabs(path) and os.path.exists(path):
                feats.add("static-libc")
        except (OSError, subprocess.SubprocessError):
            pass
    return feats


def clean_env():
    env = dict(os.environ)
    for k in list(env):
        if k in ("LD_PRELOAD", "LD_AUDIT", "MALLOC_CHECK_", "MALLOC_PERTURB_") or \
                k.startswith("LEAKWATCH_"):
            del env[k]
    env["LC_ALL"] = "C"  # stable messages from the tools the RUN lines call
    return env


def run_test(args):
    test = args.test_file
    try:
        lines = read_source(test)
        runs = parse_run_lines(lines)
    except (OSError, CheckFileError) as e:
        print(f"{test}: error: {e}", file=sys.stderr)
        return EXIT_FAIL
    if not runs:
        print(f"{test}: error: no RUN lines", file=sys.stderr)
        return EXIT_FAIL

    required = set()
    for line in lines:
        m = REQUIRES_RE.match(line)
        if m:
            required |= {f.strip() for f in m.group(1).split(",") if f.strip()}
    missing = required - available_features(args)
    if missing:
        print(f"UNSUPPORTED: {test}: missing feature(s): {', '.join(sorted(missing))}")
        return EXIT_UNSUPPORTED

    tmp_root = os.path.abspath(args.tmp or os.path.join(os.getcwd(), "e2e-tmp"))
    tmpdir = os.path.join(tmp_root, os.path.basename(test))
    shutil.rmtree(tmpdir, ignore_errors=True)
    os.makedirs(tmpdir)
    subs = build_substitutions(args, test, tmpdir)
    env = clean_env()

    for lineno, raw in runs:
        where = f"{test}:{lineno}"
        try:
            cmd = substitute(raw, subs, where)
        except CheckFileError as e:
            print(f"error: {e}", file=sys.stderr)
            return EXIT_FAIL
        print(f"RUN at line {lineno}: {cmd}", flush=True)
        try:
            p = subprocess.run(["bash", "-o", "pipefail", "-c", PRELUDE + cmd], cwd=tmpdir,
                               env=env, stdin=subprocess.DEVNULL, capture_output=True,
                               timeout=RUN_TIMEOUT_SECONDS)
            rc, out, err = p.returncode, p.stdout, p.stderr
        except subprocess.TimeoutExpired as e:
            rc, out, err = "timeout", e.stdout or b"", e.stderr or b""
        out = out.decode("utf-8", "replace")
        err = err.decode("utf-8", "replace")
        if rc != 0 or args.verbose:
            for label, s in (("stdout", out), ("stderr", err)):
                if s:
                    print(f"--- {label} of line {lineno} ---\n{s.rstrip()}")
        if rc != 0:
            why = (f"timed out after {RUN_TIMEOUT_SECONDS}s" if rc == "timeout"
                   else f"exited with status {rc}")
            print(f"FAIL: {where}: RUN line {why}\n  RUN: {raw}\n  temp dir: {tmpdir}",
                  flush=True)
            return EXIT_FAIL
    print(f"PASS: {test} ({len(runs)} RUN lines)")
    return EXIT_PASS


# --------------------------------------------------------------------------
# Entry points.
# --------------------------------------------------------------------------

def read_input(path):
    if path in (None, "-"):
        data = sys.stdin.buffer.read()
    else:
        with open(path, "rb") as f:
            data = f.read()
    return data.decode("utf-8", "replace")


def main_check(argv):
    ap = argparse.ArgumentParser(prog="lit_runner.py check")
    ap.add_argument("--check-file", required=True)
    ap.add_argument("--prefix", default="CHECK")
    ap.add_argument("--input", default=None, help="file to check (default: stdin)")
    a = ap.parse_args(argv)
    try:
        checker = TextChecker(a.check_file, a.prefix)
        checker.check(read_input(a.input))
    except (CheckFileError, CheckFailure, OSError) as e:
        print(e, file=sys.stderr)
        return EXIT_FAIL
    return EXIT_PASS


def main_check_json(argv):
    ap = argparse.ArgumentParser(prog="lit_runner.py check-json")
    ap.add_argument("--check-file", required=True)
    ap.add_argument("--prefix", default="JSON")
    ap.add_argument("--all", action="store_true",
                    help="several reports in the input: every one must satisfy the directives")
    ap.add_argument("input", nargs="*", help="file holding the report (default: stdin)")
    a = ap.parse_args(argv)
    if len(a.input) > 1:
        print(f"check-json: one input file expected, got {len(a.input)}: {a.input}", file=sys.stderr)
        return EXIT_FAIL
    try:
        checker = JsonChecker(a.check_file, a.prefix)
        text = read_input(a.input[0] if a.input else None)
        reports = find_json_reports(text)
        if not reports:
            raise CheckFailure(f"{a.check_file}: error: no leakwatch JSON report (an object "
                               f"with \"version\" and \"leaks\") in the input:\n{text[:4000]}")
        if len(reports) > 1 and not a.all:
            raise CheckFailure(f"{a.check_file}: error: {len(reports)} JSON reports in the input; "
                               "pass --all if each must satisfy the directives")
        for r in reports:
            checker.check(r)
    except (CheckFileError, CheckFailure, OSError) as e:
        print(e, file=sys.stderr)
        return EXIT_FAIL
    return EXIT_PASS


def main_run(argv):
    ap = argparse.ArgumentParser(prog="lit_runner.py [run]")
    ap.add_argument("--leakwatch", help="path of the leakwatch CLI")
    ap.add_argument("--runtime", help="path of libleakwatch.so")
    ap.add_argument("--cc")
    ap.add_argument("--cxx")
    ap.add_argument("--clang")
    ap.add_argument("--clangxx")
    ap.add_argument("--python")
    ap.add_argument("--tmp", help="root of the per-test temp dirs")
    ap.add_argument("-v", "--verbose", action="store_true", help="show every RUN line's output")
    ap.add_argument("test_file")
    return run_test(ap.parse_args(argv))


def main(argv):
    if argv and argv[0] == "check":
        return main_check(argv[1:])
    if argv and argv[0] == "check-json":
        return main_check_json(argv[1:])
    if argv and argv[0] == "run":
        argv = argv[1:]
    return main_run(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
