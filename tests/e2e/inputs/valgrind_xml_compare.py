#!/usr/bin/env python3
"""Compares leakwatch's --format valgrind-xml with Valgrind's own XML.

usage: valgrind_xml_compare.py VALGRIND.xml LEAKWATCH.xml

Both must parse as XML and have Valgrind's protocol-4 shape; the multisets
of (kind, leakedbytes, leakedblocks, top function) must be equal. The top
function is the first frame outside the allocator (Valgrind's stacks start
in its malloc replacement, leakwatch's at the caller).
"""
import collections
import sys
import xml.etree.ElementTree as ET

ALLOCATORS = {"malloc", "calloc", "realloc", "memalign", "posix_memalign", "aligned_alloc",
              "valloc", "pvalloc", "reallocarray"}


def fail(message):
    print(f"valgrind_xml_compare: {message}", file=sys.stderr)
    sys.exit(1)


def check_shape(root, path):
    if root.tag != "valgrindoutput":
        fail(f"{path}: root is <{root.tag}>, not <valgrindoutput>")
    for tag, value in (("protocolversion", "4"), ("protocoltool", "memcheck"), ("tool", "memcheck")):
        if root.findtext(tag) != value:
            fail(f"{path}: <{tag}> is {root.findtext(tag)!r}, expected {value!r}")
    for tag in ("preamble", "pid", "ppid", "args", "status", "errorcounts", "suppcounts"):
        if root.find(tag) is None:
            fail(f"{path}: no <{tag}>")
    states = [s.findtext("state") for s in root.findall("status")]
    if states != ["RUNNING", "FINISHED"]:
        fail(f"{path}: statuses {states}, expected RUNNING then FINISHED")
    for error in root.findall("error"):
        for tag in ("unique", "tid", "kind", "xwhat/text", "xwhat/leakedbytes",
                    "xwhat/leakedblocks", "stack/frame/ip"):
            if error.find(tag) is None:
                fail(f"{path}: an <error> without <{tag}>")


def top_function(error):
    for frame in error.findall("stack/frame"):
        fn = frame.findtext("fn") or ""
        obj = frame.findtext("obj") or ""
        if "vgpreload" in obj or fn in ALLOCATORS or fn.startswith("operator new"):
            continue
        return fn
    return ""


def leak_tuples(root):
    tuples = collections.Counter()
    for error in root.findall("error"):
        kind = error.findtext("kind")
        if not kind.startswith("Leak_"):
            continue
        tuples[(kind, int(error.findtext("xwhat/leakedbytes")),
                int(error.findtext("xwhat/leakedblocks")), top_function(error))] += 1
    return tuples


def main():
    if len(sys.argv) != 3:
        fail("usage: valgrind_xml_compare.py VALGRIND.xml LEAKWATCH.xml")
    roots = []
    for path in sys.argv[1:]:
        try:
            root = ET.parse(path).getroot()
        except (OSError, ET.ParseError) as e:
            fail(f"{path}: does not parse: {e}")
        check_shape(root, path)
        roots.append(root)
    valgrind, leakwatch = (leak_tuples(root) for root in roots)
    for name, tuples in (("valgrind", valgrind), ("leakwatch", leakwatch)):
        print(f"{name}: {sorted(tuples.elements())}")
    if not valgrind:
        fail("valgrind reported no leaks: the test program is wrong")
    if valgrind != leakwatch:
        fail(f"only valgrind: {sorted((valgrind - leakwatch).elements())}; "
             f"only leakwatch: {sorted((leakwatch - valgrind).elements())}")
    print("valgrind_xml_compare: same leaks")


if __name__ == "__main__":
    main()
