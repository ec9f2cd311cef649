#!/usr/bin/env python3
"""Self-tests of lit_runner.py: a checker that must fail, fails.

Run: python3 tests/e2e/runner_selftest/test_lit_runner.py  (ctest: e2e.runner_selftest)
"""
import json
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # keep __pycache__ out of the source tree
sys.path.insert(0, os.path.dirname(HERE))
import lit_runner as lr  # noqa: E402


def text_check(check_src, input_text, prefix="CHECK"):
    """Runs the text checker; check_src is the 'test file' (a string)."""
    c = lr.TextChecker("<test>", prefix, check_lines=check_src.split("\n"))
    c.check(input_text)


def json_check(check_src, report, prefix="JSON"):
    c = lr.JsonChecker("<test>", prefix, check_lines=check_src.split("\n"))
    c.check(report)


class TextCheckerTest(unittest.TestCase):
    REPORT = "\n".join([
        "leakwatch: process 4242 (./a.out) exited with status 0",
        "Leak of 200 byte(s) in 2 object(s) allocated from:",
        "    #0 0x55d1c2a011d6 in big_block /abs/path/t.c:12",
        "    #1 0x55d1c2a01302 in main /abs/path/t.c:20",
        "",
        "Leak of 72 byte(s) in 3 object(s) allocated from:",
        "    #0 0x55d1c2a011e0 in small_block /abs/path/t.c:9",
        "    #1 0x55d1c2a01310 in main /abs/path/t.c:19",
        "",
        "SUMMARY: leakwatch: 272 byte(s) leaked in 5 allocation(s); 1005 allocations, 1000 frees.",
    ])

    def test_ordered_match_passes(self):
        text_check("// CHECK: Leak of 200 byte(s) in 2 object(s)\n"
                   "// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in big_block {{.*}}t.c:12\n"
                   "// CHECK-NEXT: #1 {{.*}} in main\n"
                   "// CHECK: Leak of 72\n"
                   "// CHECK: SUMMARY: leakwatch: 272 byte(s)", self.REPORT)

    def test_out_of_order_fails(self):
        with self.assertRaises(lr.CheckFailure):
            text_check("// CHECK: Leak of 72\n// CHECK: Leak of 200", self.REPORT)

    def test_missing_string_fails_with_context(self):
        with self.assertRaises(lr.CheckFailure) as cm:
            text_check("// CHECK: Leak of 999 byte(s)", self.REPORT)
        msg = str(cm.exception)
        self.assertIn("<test>:1", msg)
        self.assertIn("expected string not found", msg)
        self.assertIn("possible intended match", msg)
        self.assertIn("SUMMARY", msg)  # the input is shown

    def test_next_must_be_adjacent(self):
        with self.assertRaises(lr.CheckFailure) as cm:
            text_check("// CHECK: Leak of 200\n// CHECK-NEXT: #1 {{.*}} main", self.REPORT)
        self.assertIn("matches later", str(cm.exception).replace("does match later", "matches later"))

    def test_not_between_matches(self):
        text_check("// CHECK: Leak of 200\n// CHECK-NOT: Leak of\n// CHECK: SUMMARY",
                   self.REPORT.replace("Leak of 72", "Lost 72"))
        with self.assertRaises(lr.CheckFailure) as cm:
            text_check("// CHECK: Leak of 200\n// CHECK-NOT: Leak of\n// CHECK: SUMMARY",
                       self.REPORT)
        self.assertIn("excluded string found", str(cm.exception))

    def test_trailing_and_leading_not(self):
        text_check("// CHECK-NOT: no leaks found\n// CHECK: SUMMARY\n// CHECK-NOT: #2", self.REPORT)
        with self.assertRaises(lr.CheckFailure):
            text_check("// CHECK: Leak of 200\n// CHECK-NOT: small_block", self.REPORT)
        with self.assertRaises(lr.CheckFailure):
            text_check("// CHECK-NOT: big_block\n// CHECK: Leak of 72", self.REPORT)

    def test_same_and_empty(self):
        text_check("// CHECK: #0\n// CHECK-SAME: big_block\n// CHECK: #1\n// CHECK-EMPTY:",
                   self.REPORT)
        with self.assertRaises(lr.CheckFailure):
            text_check("// CHECK: #0\n// CHECK-SAME: small_block", self.REPORT)
        with self.assertRaises(lr.CheckFailure):
            text_check("// CHECK: #0\n// CHECK-EMPTY:", self.REPORT)

    def test_line_numbers_do_not_match_longer_numbers(self):
        # [[@LINE+11]] on line 1 is 12; "t.c:12" matches, but 1 must not match "t.c:12".
        text_check("// CHECK: big_block {{.*}}t.c:[[@LINE+11]]", self.REPORT)
        with self.assertRaises(lr.CheckFailure):
            text_check("// CHECK: big_block {{.*}}t.c:[[@LINE]]", self.REPORT)

    def test_line_minus_and_anchor(self):
        src = "\n".join(["x"] * 8 + ["  malloc(24);  // @small"] + ["y"] * 10 +
                         ["// CHECK: small_block {{.*}}t.c:[[@small]]",
                          "// CHECK-NEXT: main {{.*}}t.c:[[@LINE-2]]"])
        text_check(src, self.REPORT)
        with self.assertRaises(lr.CheckFileError):
            text_check("// CHECK: [[@nosuch]]", self.REPORT)

    def test_whitespace_is_flexible_but_required(self):
        text_check("// CHECK: #0   0x55d1c2a011d6 in", self.REPORT)
        with self.assertRaises(lr.CheckFailure):
            text_check("// CHECK: #00x55d1c2a011d6", self.REPORT)

    def test_regex_with_braces_and_variables(self):
        text_check("// CHECK: process [[PID:[0-9]{4}]] (\n// CHECK-NOT: [[PID]]\n// CHECK: SUMMARY",
                   self.REPORT)
        with self.assertRaises(lr.CheckFailure):
            text_check("// CHECK: Leak of [[N:[0-9]+]] byte\n// CHECK: Leak of [[N]] byte",
                       self.REPORT)

    def test_prefix_selects_directives(self):
        src = "// CHECK: nothing-like-this\n// OTHER: Leak of 72\n// OTHER-NOT: nothing"
        text_check(src, self.REPORT, prefix="OTHER")
        with self.assertRaises(lr.CheckFailure):
            text_check(src, self.REPORT, prefix="CHECK")
        with self.assertRaises(lr.CheckFileError):  # no directives for the prefix = typo
            text_check(src, self.REPORT, prefix="OTHR")

    def test_empty_input_fails(self):
        with self.assertRaises(lr.CheckFailure):
            text_check("// CHECK: anything", "")


def leak(bytes_, blocks, kinds, *frames):
    stack = []
    for f in frames:
        fn, _, rest = f.partition("@")
        file, _, line = rest.partition(":")
        stack.append({"address": "0x1", "module": "/x/a.out", "offset": "0x1", "function": fn,
                      "file": ("/abs/" + file) if file else None,
                      "line": int(line) if line else None, "column": 0, "inlined": False})
    return {"kind": "unclassified", "bytes": bytes_, "blocks": blocks,
            "allocation_kinds": kinds, "stack": stack}


def report(*leaks):
    return {"version": 1, "process": {"pid": 42, "exit_status": 0, "signal": None},
            "summary": {"leaked_bytes": sum(l["bytes"] for l in leaks),
                        "leaked_blocks": sum(l["blocks"] for l in leaks),
                        "allocations": 100, "frees": 95},
            "leaks": list(leaks), "errors": []}


class JsonCheckerTest(unittest.TestCase):
    R = report(leak(200, 2, ["malloc"], "big_block@t.c:12", "main@t.c:20", "__libc_start_call_main"),
               leak(72, 3, ["malloc"], "small_block@t.c:9", "main@t.c:19"))
    BOTH = ("// JSON-LEAK: bytes=200 blocks=2 kinds=malloc frames=big_block@t.c:12,main@t.c:20\n"
            "// JSON-LEAK: bytes=72 blocks=3 kinds=malloc frames=small_block@t.c:9,main@t.c:19\n")

    def test_exact_set_passes_in_any_order(self):
        json_check("// JSON-SUMMARY: leaked_bytes=272 leaked_blocks=5\n" + self.BOTH, self.R)
        json_check("\n".join(reversed(self.BOTH.strip().split("\n"))), self.R)

    def test_missing_site_fails(self):
        with self.assertRaises(lr.CheckFailure) as cm:
            json_check(self.BOTH.split("\n")[0], self.R)
        self.assertIn("UNEXPECTED", str(cm.exception))

    def test_extra_expected_site_fails(self):
        with self.assertRaises(lr.CheckFailure) as cm:
            json_check(self.BOTH + "// JSON-LEAK: bytes=1 blocks=1", self.R)
        self.assertIn("NO MATCH", str(cm.exception))

    def test_wrong_numbers_kinds_frames_fail(self):
        good = {"bytes": "200", "blocks": "2", "kinds": "malloc",
                "frames": "big_block@t.c:12,main@t.c:20"}
        json_check("// JSON-LEAK: " + " ".join(f"{k}={v}" for k, v in good.items()) + "\n" +
                   self.BOTH.split("\n")[1], self.R)
        for bad in ("bytes=201", "blocks=3", "kinds=new", "kinds=malloc,calloc",
                    "frames=big_block@t.c:13", "frames=big_block@u.c:12",
                    "frames=main", "depth=2"):
            k, _, v = bad.partition("=")
            line = " ".join(f"{kk}={v if kk == k else vv}" for kk, vv in {**good, k: v}.items())
            with self.subTest(bad=bad), self.assertRaises(lr.CheckFailure):
                json_check(f"// JSON-LEAK: {line}\n" + self.BOTH.split("\n")[1], self.R)

    def test_frame_forms(self):
        r = report(leak(17, 1, ["malloc"], "__strdup", "main@t.c:5"),
                   leak(12, 1, ["new"], "make_widget()@w.cpp:7", "main@w.cpp:9"))
        json_check("// JSON-LEAK: bytes=17 frames={{(__)?strdup}}@-,main@t.c:5 depth=2\n"
                   "// JSON-LEAK: bytes=12 kinds=new frames=make_widget@w.cpp,*@w.cpp:9", r)
        with self.assertRaises(lr.CheckFailure):  # strdup has no file, '@t.c' requires one
            json_check("// JSON-LEAK: bytes=17 frames={{(__)?strdup}}@t.c\n"
                       "// JSON-LEAK: bytes=12", r)

    def test_line_substitution(self):
        json_check("\n" * 11 + "// JSON-LEAK: bytes=200 frames=big_block@t.c:[[@LINE]]\n"
                   "// JSON-LEAK: bytes=72 frames=small_block@t.c:[[@LINE-4]]", self.R)

    def test_summary_and_field(self):
        with self.assertRaises(lr.CheckFailure):
            json_check("// JSON-SUMMARY: leaked_bytes=271", self.R)
        with self.assertRaises(lr.CheckFailure):
            json_check("// JSON-SUMMARY: no_such_key=1", self.R)
        json_check("// JSON-FIELD: process.exit_status=0 process.signal=null version=1", self.R)
        with self.assertRaises(lr.CheckFailure):
            json_check("// JSON-FIELD: process.exit_status=3", self.R)

    def test_no_leaks(self):
        json_check("// JSON-NO-LEAKS", report())
        with self.assertRaises(lr.CheckFailure):
            json_check("// JSON-NO-LEAKS", self.R)

    def test_bad_directives_are_errors(self):
        with self.assertRaises(lr.CheckFileError):
            json_check("// JSON-LEAK: byts=3", self.R)
        with self.assertRaises(lr.CheckFileError):
            json_check("// nothing here", self.R)

    def test_report_found_inside_other_output(self):
        text = "program says {hello}\n" + json.dumps(self.R, indent=2) + "\nbye\n"
        self.assertEqual(lr.find_json_reports(text), [self.R])
        self.assertEqual(lr.find_json_reports("no json {at all"), [])


class RunModeTest(unittest.TestCase):
    """Drives the runner as ctest does, on throw-away test files."""

    def run_file(self, body, *extra):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "t.c")
            with open(path, "w") as f:
                f.write(body)
            p = subprocess.run([sys.executable, lr.__file__, "--tmp", os.path.join(d, "tmp"),
                                "--cc", "cc", *extra, path], capture_output=True, text=True)
            return p.returncode, p.stdout + p.stderr

    def test_pass(self):
        rc, out = self.run_file("// RUN: echo 'hello %%world' | %check\n"
                                "// RUN: printf '{\"version\":1,\"leaks\":[],\"summary\":{}}' "
                                "> %t.json && %check-json %t.json\n"
                                "// RUN: expect_exit 3 sh -c 'exit 3'\n"
                                "// RUN: not false && test -d %T\n"
                                "// RUN: echo a \\\n"
                                "// RUN:   b | %check --prefix=CONT\n"
                                "// CHECK: hello %world\n// JSON-NO-LEAKS\n// CONT: a b\n")
        self.assertEqual(rc, 0, out)

    def test_failing_check_fails_the_test(self):
        rc, out = self.run_file("// RUN: echo hello | %check\n// CHECK: goodbye\n")
        self.assertEqual(rc, 1, out)
        self.assertIn("expected string not found", out)
        self.assertIn("t.c:2", out)

    def test_failing_command_fails_the_test(self):
        for cmd in ("false", "false | cat", "expect_exit 2 sh -c 'exit 3'", "not true"):
            with self.subTest(cmd=cmd):
                rc, out = self.run_file(f"// RUN: {cmd}\n")
                self.assertEqual(rc, 1, out)
                self.assertIn("FAIL:", out)

    def test_expect_exit_complains_visibly_even_when_piped(self):
        rc, out = self.run_file("// RUN: expect_exit 2 sh -c 'echo ok; exit 0' 2>&1 | %check\n"
                                "// CHECK: ok\n")
        self.assertEqual(rc, 1, out)
        self.assertIn("expected exit status 2, got 0", out)

    def test_missing_substitution_value_is_an_error(self):
        rc, out = self.run_file("// RUN: %leakwatch --version\n")
        self.assertEqual(rc, 1, out)
        self.assertIn("--leakwatch", out)

    def test_requires_unknown_feature_is_unsupported(self):
        rc, out = self.run_file("// REQUIRES: no-such-feature\n// RUN: false\n")
        self.assertEqual(rc, 77, out)

    def test_environment_is_clean(self):
        with tempfile.TemporaryDirectory():
            os.environ["LEAKWATCH_OPTIONS"] = "format=json"
            try:
                rc, out = self.run_file("// RUN: test -z \"$LEAKWATCH_OPTIONS$LD_PRELOAD\"\n")
            finally:
                del os.environ["LEAKWATCH_OPTIONS"]
        self.assertEqual(rc, 0, out)


if __name__ == "__main__":
    unittest.main()
