#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Run one command under leakwatch and under Valgrind memcheck and compare
their leak classes, site by site (python3, stdlib only).

  compare_valgrind.py [options] -- COMMAND [ARGS...]
  compare_valgrind.py [options] --e2e-case tests/e2e/cases/reach_cycle.c
  compare_valgrind.py [options] --reports LEAKWATCH.json VALGRIND.xml [--valgrind-log LOG]

Each tool runs the command once, in the same directory with the same
environment; `--setup SHELL` runs before each of the two runs, so a command
that changes files (git commit) starts from the same state both times.

leakwatch:  leakwatch run --format json --show-reachable --output F -- COMMAND
Valgrind:   valgrind -v -v --log-file=LOG --leak-check=full --show-leak-kinds=all
            --errors-for-leak-kinds=definite,indirect --xml=yes --xml-file=F
            --num-callers=40 COMMAND
            (`-v -v` only for the objects' load biases in LOG.)

A *site* is where the block was allocated, seen from the program: the
stack's allocator frames (malloc, operator new, strdup, ...), frames in
the C and C++ runtimes, the loader and either tool's preloaded library, and
frames below main are skipped; the first `--depth` (2) frames left, each as
`file:line` (or `object+offset` without line information), are the site. Both tools'
stacks are normalised the same way, so the two reports can be compared
per class and per site.

Prints, per class, total bytes and blocks of each tool, then every site
whose bytes or blocks differ in some class. Exit status: 0; 1 when a site
differs in a class named by `--fail-on` (e.g. `definite,indirect`); 2 when
a tool could not be run or its report could not be read.
"""

import argparse
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

CLASSES = ("definite", "indirect", "possible", "reachable")

VALGRIND_KINDS = {
    "Leak_DefinitelyLost": "definite",
    "Leak_IndirectlyLost": "indirect",
    "Leak_PossiblyLost": "possible",
    "Leak_StillReachable": "reachable",
}

# Functions that hand out memory: the site is their caller.
ALLOCATOR_FUNCTIONS = {
    "malloc", "calloc", "realloc", "reallocarray", "free", "memalign", "posix_memalign",
    "aligned_alloc", "valloc", "pvalloc", "strdup", "strndup", "__strdup", "__strndup",
    "wcsdup", "asprintf", "vasprintf", "__libc_malloc", "__libc_calloc", "__libc_realloc",
    "operator new", "operator new[]", "operator delete", "operator delete[]",
}

# Objects that are not the program: the C/C++ runtimes, the loader, and the
# preloaded libraries of both tools.
SYSTEM_OBJECT_RE = re.compile(
    r"(^|/)(libc\.so|libc-2\.|ld-linux|ld64\.so|libstdc\+\+\.so|libgcc_s\.so|libm\.so|"
    r"libpthread\.so|libdl\.so|vgpreload_|libleakwatch\.so|memcheck-)")

BELOW_MAIN = {"(below main)", "__libc_start_call_main", "__libc_start_main",
              "__libc_start_main_impl"}

FAIL_TOOL = 2


def die(message):
    print(message, file=sys.stderr)
    sys.exit(FAIL_TOOL)


def strip_parameters(function):
    """`ns::f(int, char*) const` -> `ns::f`; keeps `operator()` and templates' own parens."""
    if function is None:
        return None
    name = function.strip()
    if name.endswith(" const"):
        name = name[:-len(" const")]
    if not name.endswith(")"):
        return name
    depth = 0
    for i in range(len(name) - 1, -1, -1):
        c = name[i]
        if c == ")":
            depth += 1
        elif c == "(":
            depth -= 1
            if depth == 0:
                head = name[:i]
                if head.endswith("operator") or head.endswith("operator()"):
                    continue
                return head.rstrip() or name  # "(below main)" is Valgrind's name
    return name


def object_name(path):
    """The object's file name, through symlinks: the loader's libsqlite3.so.0
    and Valgrind's libsqlite3.so.0.8.6 are one object."""
    if not path:
        return None
    return os.path.basename(os.path.realpath(path) if os.path.exists(path) else path)


class Frame:
    __slots__ = ("function", "file", "line", "obj", "offset")

    def __init__(self, function, file, line, obj, offset=None):
        self.function = strip_parameters(function)
        self.file = file
        self.line = line
        self.obj = obj
        self.offset = offset  # in the object (ELF virtual address), when known

    def is_allocator(self):
        f = self.function or ""
        return f in ALLOCATOR_FUNCTIONS or f.startswith("operator new") or \
            f.startswith("operator delete")

    def is_system(self):
        return bool(self.obj) and bool(SYSTEM_OBJECT_RE.search(self.obj))

    def label(self):
        """file:line when there is line information, else the object and the
        offset in it (stripped programs: git, sqlite3, python3 without -dbg),
        else the function name: what both tools can agree on."""
        if self.file and self.line:
            where = f"{os.path.basename(self.file)}:{self.line}"
            return f"{self.function}@{where}" if self.function else where
        obj = object_name(self.obj) or "?"
        if self.offset is not None:
            return f"{self.function or '??'}@{obj}+{self.offset:#x}"
        return f"{self.function or '??'}@{obj}"

    def __str__(self):
        return self.label()


def site_of(frames, depth, skip_function_re):
    """The frames that name the allocation site, as a tuple of labels: the
    first `depth` frames of the program, past the allocator and the runtimes
    (libc's getline, libstdc++'s string, the loader, a thread's start
    routine), and past any the caller names (a program's own malloc wrappers).
    The two tools unwind the runtimes differently (clone3 or clone,
    versioned symbol names), never the program."""
    for i, f in enumerate(frames):  # what calls main: Valgrind stops there, leakwatch goes on to _start
        if f.function in BELOW_MAIN:
            frames = frames[:i]
            break

    def skipped(f):
        return f.is_allocator() or f.is_system() or bool(
            skip_function_re and f.function and skip_function_re.search(f.function))
    chosen = [f for f in frames if not skipped(f)][:depth]
    if not chosen:  # allocated by the runtimes alone (the loader at startup)
        chosen = [f for f in frames if not f.is_allocator()][:depth] or frames[:depth]
    return tuple(f.label() for f in chosen) or ("<no stack>",)


class Report:
    """Blocks per class, overall and per site; the stack of one example per site."""

    def __init__(self, tool):
        self.tool = tool
        self.totals = {c: [0, 0] for c in CLASSES}
        self.sites = {}       # (class, site) -> [bytes, blocks]
        self.examples = {}    # (class, site) -> [Frame]
        self.notes = []

    def add(self, cls, site, nbytes, nblocks, frames):
        entry = self.sites.setdefault((cls, site), [0, 0])
        entry[0] += nbytes
        entry[1] += nblocks
        self.examples.setdefault((cls, site), frames)


def load_leakwatch(path, depth, skip_function_re):
    try:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
    except (OSError, ValueError) as e:
        die(f"compare_valgrind: cannot read the leakwatch report {path}: {e}")
    report = Report("leakwatch")
    summary = doc.get("summary", {})
    if not summary.get("classified", False):
        report.notes.append("leakwatch: the exit scan did not run (classified=false)")
    for cls in CLASSES:
        report.totals[cls] = [summary.get(f"{cls}_bytes", 0), summary.get(f"{cls}_blocks", 0)]
    unclassified = summary.get("unclassified_blocks", 0)
    if unclassified:
        report.notes.append(f"leakwatch: {unclassified} block(s) unclassified "
                            f"({summary.get('unclassified_bytes', 0)} bytes)")
    for leak in doc.get("leaks", []):
        cls = leak.get("kind")
        if cls not in CLASSES:
            continue
        frames = [Frame(fr.get("function"), fr.get("file"), fr.get("line"), fr.get("module"),
                        int(fr["offset"], 16) if fr.get("offset") else None)
                  for fr in leak.get("stack", [])]
        report.add(cls, site_of(frames, depth, skip_function_re), leak.get("bytes", 0),
                   leak.get("blocks", 0), frames)
    return report


_DIRECT_RE = re.compile(r"\(([\d,]+) direct, ([\d,]+) indirect\)")


def _int(text):
    return int((text or "0").replace(",", ""))


_SYMS_RE = re.compile(r"Reading syms from (\S+)")
_SVMA_RE = re.compile(r"svma (0x[0-9a-fA-F]+), avma (0x[0-9a-fA-F]+)")


def load_valgrind_biases(log_path):
    """Load bias of each object, from the `-v -v` log's "Reading syms from
    PATH" followed by "svma X, avma Y" (bias = Y - X). Valgrind's <ip> of a
    caller frame is the return address minus one, as leakwatch's `address`,
    so ip - bias is leakwatch's `offset`."""
    biases = {}
    current = None
    try:
        with open(log_path, encoding="utf-8", errors="replace") as f:
            for line in f:
                m = _SYMS_RE.search(line)
                if m:
                    current = m.group(1)
                    continue
                m = _SVMA_RE.search(line)
                if m and current and current not in biases:
                    biases[current] = int(m.group(2), 16) - int(m.group(1), 16)
    except OSError:
        pass
    return biases


def load_valgrind(path, depth, skip_function_re, biases=None):
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError) as e:
        die(f"compare_valgrind: cannot read the Valgrind XML {path}: {e}")
    report = Report("valgrind")
    for error in root.iter("error"):
        cls = VALGRIND_KINDS.get(error.findtext("kind", ""))
        if cls is None:
            continue
        xwhat = error.find("xwhat")
        if xwhat is None:
            continue
        nbytes = _int(xwhat.findtext("leakedbytes"))
        nblocks = _int(xwhat.findtext("leakedblocks"))
        # <leakedbytes> of a record whose blocks point to others is direct
        # plus indirect ("48 (16 direct, 32 indirect) bytes"); the indirect
        # blocks have records of their own.
        m = _DIRECT_RE.search(xwhat.findtext("text", ""))
        if m:
            nbytes = _int(m.group(1))
        frames = []
        stack = error.find("stack")
        for fr in (stack if stack is not None else []):
            line = fr.findtext("line")
            obj = fr.findtext("obj")
            offset = None
            if biases and obj in biases and fr.findtext("ip"):
                offset = int(fr.findtext("ip"), 16) - biases[obj]
            frames.append(Frame(fr.findtext("fn"), fr.findtext("file"),
                                int(line) if line else None, obj, offset))
        report.totals[cls][0] += nbytes
        report.totals[cls][1] += nblocks
        report.add(cls, site_of(frames, depth, skip_function_re), nbytes, nblocks, frames)
    for pair in root.iter("pair"):  # <suppcounts>: what the default suppressions hid
        report.notes.append(f"valgrind: suppression {pair.findtext('name')} used "
                            f"{pair.findtext('count')} time(s) (its blocks are in no class)")
    return report


def compare(lw, vg):
    """Sites whose (bytes, blocks) differ in some class: {site: {class: (lw, vg)}}."""
    sites = sorted({s for (_, s) in lw.sites} | {s for (_, s) in vg.sites})
    diffs = {}
    for site in sites:
        row = {}
        for cls in CLASSES:
            a = tuple(lw.sites.get((cls, site), (0, 0)))
            b = tuple(vg.sites.get((cls, site), (0, 0)))
            if a != (0, 0) or b != (0, 0):
                row[cls] = (a, b)
        if any(a != b for a, b in row.values()):
            diffs[site] = row
    return diffs


def fmt_pair(p):
    return f"{p[0]}/{p[1]}"


def print_comparison(name, lw, vg, diffs, verbose, out):
    print(f"== {name}", file=out)
    print(f"{'class':<10} {'leakwatch bytes/blocks':>24} {'valgrind bytes/blocks':>24}", file=out)
    for cls in CLASSES:
        a, b = lw.totals[cls], vg.totals[cls]
        mark = "" if tuple(a) == tuple(b) else "   <- differs"
        print(f"{cls:<10} {fmt_pair(a):>24} {fmt_pair(b):>24}{mark}", file=out)
    for note in lw.notes + vg.notes:
        print(f"note: {note}", file=out)
    if not diffs:
        print("sites: identical in every class", file=out)
        return
    print(f"sites that differ ({len(diffs)}), bytes/blocks as leakwatch | valgrind:", file=out)
    for site, row in diffs.items():
        print(f"  {' < '.join(site)}", file=out)
        for cls, (a, b) in row.items():
            mark = "" if a == b else "   <- differs"
            print(f"      {cls:<10} {fmt_pair(a):>16} | {fmt_pair(b):<16}{mark}", file=out)
        if verbose:
            for tool in (lw, vg):
                for cls in row:
                    frames = tool.examples.get((cls, site))
                    if frames:
                        print(f"      {tool.tool} {cls} stack: "
                              + " < ".join(str(f) for f in frames[:8]), file=out)


def json_summary(name, lw, vg, diffs):
    return {
        "name": name,
        "totals": {cls: {"leakwatch": lw.totals[cls], "valgrind": vg.totals[cls]} for cls in CLASSES},
        "notes": lw.notes + vg.notes,
        "differences": [
            {"site": list(site),
             "classes": {cls: {"leakwatch": list(a), "valgrind": list(b)} for cls, (a, b) in row.items()}}
            for site, row in diffs.items()],
    }


RUN_RE = re.compile(r"^\s*//\s*RUN:\s*(.*)$")


def build_e2e_case(case, cc, cxx, workdir):
    """Builds an e2e case as its RUN lines do: every line that compiles
    (%cc/%cxx ...), with %s, %t and %T substituted. Returns %t and the
    arguments its first `%leakwatch run ... -- %t ARGS` line gives it."""
    with open(case, encoding="utf-8") as f:
        lines = f.read().splitlines()
    exe = os.path.join(workdir, os.path.basename(case) + ".tmp")
    built = False
    case_args = None
    for line in lines:
        m = RUN_RE.match(line)
        if not m:
            continue
        body = m.group(1).strip()
        run = re.search(r"%leakwatch run\b.*?--\s+%t(.*)$", body)
        if run and case_args is None:
            case_args = []
            for token in shlex.split(run.group(1)):
                if any(c in token for c in "|<>&;"):
                    break
                case_args.append(expand_e2e(token, case, workdir))
        m = re.match(r"^%(cc|cxx)\s", body)
        if not m:
            continue
        compiler = cc if m.group(1) == "cc" else cxx
        cmd = shlex.quote(compiler) + body[m.end() - 1:]
        cmd = expand_e2e(cmd, case, workdir)
        p = subprocess.run(cmd, shell=True, cwd=workdir, capture_output=True, text=True)
        if p.returncode != 0:
            die(f"compare_valgrind: building {case} failed:\n{cmd}\n{p.stderr}")
        built = built or "%t" in body
    if not built:
        die(f"compare_valgrind: {case} has no `// RUN: %cc ... -o %t` line")
    return exe, case_args or []


def expand_e2e(text, case, workdir):
    exe = os.path.join(workdir, os.path.basename(case) + ".tmp")
    return text.replace("%s", shlex.quote(os.path.abspath(case))).replace(
        "%t", shlex.quote(exe)).replace("%T", shlex.quote(workdir))


def run_tool(argv, setup, cwd, env, log_path, timeout):
    if setup:
        p = subprocess.run(["bash", "-c", setup], cwd=cwd, env=env, capture_output=True, text=True)
        if p.returncode != 0:
            die(f"compare_valgrind: --setup failed ({p.returncode}):\n{p.stderr}")
    with open(log_path, "w", encoding="utf-8") as log:
        try:
            p = subprocess.run(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=log,
                               stderr=subprocess.STDOUT, timeout=timeout)
        except subprocess.TimeoutExpired:
            die(f"compare_valgrind: timed out after {timeout} s: {shlex.join(argv)}")
        except OSError as e:
            die(f"compare_valgrind: cannot run {argv[0]}: {e}")
    return p.returncode


def default_leakwatch():
    here = os.path.dirname(os.path.abspath(__file__))
    built = os.path.join(here, "..", "..", "build", "bin", "leakwatch")
    return built if os.path.exists(built) else shutil.which("leakwatch")


def parse_args(argv):
    ap = argparse.ArgumentParser(
        description="Compare leakwatch's leak classes with Valgrind memcheck's on one run.",
        epilog="Example: compare_valgrind.py --name sqlite -- sqlite3 :memory: '.read q.sql'")
    ap.add_argument("--leakwatch", default=None, help="the leakwatch CLI (default: build/bin/leakwatch)")
    ap.add_argument("--valgrind", default="valgrind")
    ap.add_argument("--name", default=None, help="title of the comparison")
    ap.add_argument("--out", default=None, help="keep both reports and logs in this directory")
    ap.add_argument("--cwd", default=None, help="run the command here (default: --out)")
    ap.add_argument("--setup", default=None, help="bash snippet run in --cwd before each tool's run")
    ap.add_argument("--env", action="append", default=[], metavar="K=V",
                    help="set in the command's environment, for both tools")
    ap.add_argument("--depth", type=int, default=2, help="program frames that name a site (default 2)")
    ap.add_argument("--skip-function", default=None, metavar="REGEX",
                    help="also skip frames whose function matches (the program's malloc wrappers)")
    ap.add_argument("--fail-on", default="", help="classes whose site differences fail the run, "
                    "e.g. definite,indirect")
    ap.add_argument("--timeout", type=int, default=600, help="seconds per tool run")
    ap.add_argument("--json", default=None, metavar="FILE", help="also write the comparison as JSON")
    ap.add_argument("-v", "--verbose", action="store_true", help="print an example stack per difference")
    ap.add_argument("--e2e-case", default=None, help="build this e2e case (its RUN compile lines) "
                    "and compare on it, with the arguments of its first `%%leakwatch run` line or `-- ARGS` (%%T is --out)")
    ap.add_argument("--cc", default=os.environ.get("CC", "cc"))
    ap.add_argument("--cxx", default=os.environ.get("CXX", "c++"))
    ap.add_argument("--reports", nargs=2, metavar=("LEAKWATCH_JSON", "VALGRIND_XML"),
                    help="compare two existing reports instead of running anything")
    ap.add_argument("--valgrind-log", default=None, help="with --reports: Valgrind's `-v -v` log "
                    "(load biases for frames without line information)")
    ap.add_argument("command", nargs=argparse.REMAINDER)
    args = ap.parse_args(argv)
    if args.command and args.command[0] == "--":
        args.command = args.command[1:]
    modes = sum(bool(x) for x in (args.command and not args.e2e_case, args.e2e_case, args.reports))
    if modes != 1:
        ap.error("give exactly one of: -- COMMAND, --e2e-case FILE, --reports LW VG")
    bad = [c for c in args.fail_on.split(",") if c and c not in CLASSES]
    if bad:
        ap.error(f"--fail-on: unknown class {bad[0]} (classes: {', '.join(CLASSES)})")
    if args.depth < 1:
        ap.error("--depth must be at least 1")
    return args


def main(argv):
    args = parse_args(argv)
    skip_re = re.compile(args.skip_function) if args.skip_function else None
    if args.reports:
        lw_json, vg_xml = args.reports
        vg_log = args.valgrind_log
        name = args.name or os.path.basename(lw_json)
    else:
        leakwatch = args.leakwatch or default_leakwatch()
        if not leakwatch or not os.path.exists(leakwatch):
            print("compare_valgrind: leakwatch not found (give --leakwatch)", file=sys.stderr)
            return FAIL_TOOL
        if not shutil.which(args.valgrind):
            print("compare_valgrind: valgrind not installed", file=sys.stderr)
            return FAIL_TOOL
        out = args.out or tempfile.mkdtemp(prefix="leakwatch-accuracy-")
        os.makedirs(out, exist_ok=True)
        out = os.path.abspath(out)
        cwd = os.path.abspath(args.cwd) if args.cwd else out
        env = dict(os.environ)
        for k in list(env):
            if k in ("LD_PRELOAD", "LD_AUDIT", "MALLOC_CHECK_", "MALLOC_PERTURB_") or \
                    k.startswith("LEAKWATCH_"):
                del env[k]
        for kv in args.env:
            k, sep, v = kv.partition("=")
            if not sep:
                print(f"compare_valgrind: --env {kv}: expected K=V", file=sys.stderr)
                return FAIL_TOOL
            env[k] = v
        if args.e2e_case:  # a COMMAND after it is the case's arguments (%T = --out)
            exe, case_args = build_e2e_case(args.e2e_case, args.cc, args.cxx, out)
            command = [exe] + ([expand_e2e(a, args.e2e_case, out) for a in args.command]
                               if args.command else case_args)
            name = args.name or os.path.basename(args.e2e_case)
        else:
            command = list(args.command)
            name = args.name or shlex.join(command)
            if "/" in command[0] and not os.path.isabs(command[0]):
                command[0] = os.path.abspath(command[0])  # it runs in --cwd
        lw_json = os.path.join(out, "leakwatch.json")
        vg_xml = os.path.join(out, "valgrind.xml")
        vg_log = os.path.join(out, "valgrind.log")
        for stale in (lw_json, vg_xml, vg_log):
            if os.path.exists(stale):
                os.unlink(stale)
        run_tool([os.path.abspath(leakwatch), "run", "--format", "json", "--show-reachable",
                  "--output", lw_json, "--"] + command,
                 args.setup, cwd, env, os.path.join(out, "leakwatch.log"), args.timeout)
        # -v -v: the log names each object's load bias (see load_valgrind_biases).
        run_tool([args.valgrind, "-v", "-v", f"--log-file={vg_log}", "--leak-check=full", "--show-leak-kinds=all",
                  "--errors-for-leak-kinds=definite,indirect", "--xml=yes",
                  f"--xml-file={vg_xml}", "--num-callers=40"] + command,
                 args.setup, cwd, env, os.path.join(out, "valgrind.out"), args.timeout)
        for path, tool in ((lw_json, "leakwatch"), (vg_xml, "valgrind")):
            if not os.path.exists(path):
                print(f"compare_valgrind: {tool} wrote no report (see {out}/{tool}.log)",
                      file=sys.stderr)
                return FAIL_TOOL
    lw = load_leakwatch(lw_json, args.depth, skip_re)
    vg = load_valgrind(vg_xml, args.depth, skip_re, load_valgrind_biases(vg_log) if vg_log else None)
    diffs = compare(lw, vg)
    print_comparison(name, lw, vg, diffs, args.verbose, sys.stdout)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(json_summary(name, lw, vg, diffs), f, indent=2)
            f.write("\n")
    fail_classes = {c for c in args.fail_on.split(",") if c}
    failing = [site for site, row in diffs.items()
               if any(cls in fail_classes and a != b for cls, (a, b) in row.items())]
    if failing:
        print(f"FAIL: {len(failing)} site(s) differ in {', '.join(sorted(fail_classes))}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
