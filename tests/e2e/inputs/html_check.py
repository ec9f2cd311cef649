#!/usr/bin/env python3
"""Checks an HTML report that leakwatch wrote, statically and in headless Chromium.

usage: html_check.py FILE [--frame NAME:BYTES]... [--path A,B,C] [--click NAME]
                     [--sites N] [--chart-bars N] [--screenshot PNG]

Static: one self-contained document (no external script, style, image or
link; no http(s) URL in an attribute), and the embedded data is the JSON
document it says it is.

In Chromium (`chromium --headless --dump-dom FILE#selftest=NAME`): the page
logs nothing to the console and throws nothing; its flame graph has a frame
NAME carrying BYTES for each --frame, and the frames of --path (outermost
first) stacked one under the other; clicking --click zooms (the frame
spans the whole width, its callers become dimmed full-width ancestors, and
only its callees remain); the search box highlights it; reset restores the
graph; sorting the table by bytes orders the rows. --chart-bars counts the
bars of a diff's chart. --screenshot also saves a picture of the page.

Chromium is found as $CHROMIUM, chromium or chromium-browser; without it
the script fails (the e2e case says `REQUIRES: chromium`).
"""
import argparse
import html
import html.parser
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

CHROMIUM_TIMEOUT_SECONDS = 60


def fail(message):
    print(f"html_check: {message}", file=sys.stderr)
    sys.exit(1)


def expect(condition, message):
    if not condition:
        fail(message)


class Elements(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []  # (tag, attrs)
        self.data_kind = None
        self.data = None
        self._in_data = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if tag == "script" and attrs.get("id") == "leakwatch-data":
            self._in_data = True
            self.data_kind = attrs.get("data-kind")
            self.data = ""

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_data = False

    def handle_data(self, data):
        if self._in_data:
            self.data += data


def check_static(text):
    page = Elements()
    page.feed(text)
    for tag, attrs in page.tags:
        expect(not (tag == "script" and "src" in attrs), "a <script src> loads code from elsewhere")
        expect(tag != "link", f"a <link> element: {attrs}")
        expect(not (tag in ("img", "iframe", "object", "embed", "audio", "video")),
               f"an external resource element <{tag}>")
        for name, value in attrs.items():
            expect(not re.match(r"\s*(https?:)?//", value or ""),
                   f"<{tag} {name}={value!r}> points to the network")
    expect(not re.search(r"@import|url\(\s*['\"]?(https?:)?//", text), "the style loads from the network")
    expect(page.data is not None, "no <script id=leakwatch-data>")
    expect(page.data_kind in ("report", "diff"), f"data-kind is {page.data_kind!r}")
    expect("</" not in page.data, "the data contains '</'")
    document = json.loads(page.data)
    key = "leaks" if page.data_kind == "report" else "sites"
    expect(isinstance(document.get(key), list), f"the {page.data_kind} data has no '{key}' list")
    return page.data_kind, document


def find_chromium():
    for name in (os.environ.get("CHROMIUM"), "chromium", "chromium-browser"):
        if name and shutil.which(name):
            return shutil.which(name)
    fail("no chromium (apt-get install chromium)")


def chromium(binary, profile, *args):
    command = [binary, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
               "--disable-extensions", "--disable-dev-shm-usage", "--enable-logging=stderr",
               "--v=0", f"--user-data-dir={profile}", *args]
    env = dict(os.environ, DBUS_SESSION_BUS_ADDRESS="disabled:")
    try:
        return subprocess.run(command, capture_output=True, text=True, errors="replace",
                              timeout=CHROMIUM_TIMEOUT_SECONDS, env=env, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        fail(f"chromium did not finish within {CHROMIUM_TIMEOUT_SECONDS} s: {' '.join(command)}")


def check_in_browser(path, args, kind):
    binary = find_chromium()
    url = "file://" + os.path.abspath(path) + "#selftest"
    if args.click:
        url += "=" + args.click
    with tempfile.TemporaryDirectory(prefix="leakwatch-chromium-") as profile:
        run = chromium(binary, profile, "--dump-dom", url)
        if args.screenshot:
            shot = chromium(binary, profile, "--hide-scrollbars", "--window-size=1200,900",
                            f"--screenshot={os.path.abspath(args.screenshot)}",
                            "file://" + os.path.abspath(path))
            expect(shot.returncode == 0 and os.path.getsize(args.screenshot) > 0,
                   f"no screenshot: {shot.stderr[-2000:]}")
    expect(run.returncode == 0, f"chromium exited with {run.returncode}: {run.stderr[-2000:]}")
    console = [line for line in run.stderr.splitlines() if ":CONSOLE" in line]
    expect(not console, "the page wrote to the console:\n" + "\n".join(console))
    match = re.search(r'<pre id="leakwatch-selftest">(.*?)</pre>', run.stdout, re.S)
    expect(match, "the page's self-test left no result (did the script run?)")
    result = json.loads(html.unescape(match.group(1)))
    expect(result["errors"] == [], f"errors on the page: {result['errors']}")
    frames = result["frames"]
    names = sorted({frame["name"] for frame in frames})

    for spec in args.frame:
        name, _, size = spec.rpartition(":")
        expect(any(f["name"] == name and f["bytes"] == int(size) for f in frames),
               f"no frame {name} of {size} bytes in the flame graph: "
               f"{[(f['name'], f['bytes']) for f in frames]}")
    if args.path:
        chain = args.path.split(",")
        starts = [f for f in frames if f["name"] == chain[0]]
        found = any(all(any(f["name"] == name and f["depth"] == start["depth"] + i for f in frames)
                        for i, name in enumerate(chain)) for start in starts)
        expect(found, f"no stacked path {chain} in the flame graph: {names}")
    if args.click:
        expect(result.get("clicked") == args.click, f"no frame {args.click} to click: {names}")
        clicked_before = next(f for f in frames if f["name"] == args.click)
        zoomed = result["zoomed"]
        focus = [f for f in zoomed if f["name"] == args.click and not f["ancestor"]]
        expect(len(focus) == 1 and focus[0]["width"] == 100,
               f"clicking {args.click} did not zoom into it: {zoomed}")
        depth = focus[0]["depth"]
        ancestors = [f for f in zoomed if f["ancestor"]]
        expect(len(ancestors) == depth and all(f["width"] == 100 and f["depth"] < depth for f in ancestors),
               f"after the zoom the callers are not full-width ancestors: {ancestors}")
        expect(all(f["depth"] > depth for f in zoomed if f not in focus and f not in ancestors),
               f"after the zoom frames beside {args.click} are still shown: {zoomed}")
        expect(clicked_before["width"] < 100 or len(zoomed) <= len(frames),
               "the zoom changed nothing")
        expect(result["searchMatches"] >= 1 and "matched" in result["searchText"],
               f"searching for {args.click} highlighted nothing: {result['searchText']!r}")
        expect(result["afterReset"] == len(frames) and result["searchMatchesAfterReset"] == 0,
               "reset did not restore the graph")
    if args.sites is not None:
        order = result.get("sortedDescending", [])
        expect(len(order) == args.sites, f"the table has {len(order)} rows, expected {args.sites}")
        expect(order[::-1] == result["sortedAscending"], "sorting twice did not reverse the rows")
    if args.chart_bars is not None:
        bars = result.get("chartBars", [])
        expect(len(bars) == args.chart_bars, f"the chart has {len(bars)} bars, expected {args.chart_bars}")
    print(f"html_check: {kind} page ok in {os.path.basename(binary)}: {len(frames)} frames, "
          f"{len(result.get('sortedDescending', []))} table rows")
    return result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("file")
    parser.add_argument("--frame", action="append", default=[], metavar="NAME:BYTES")
    parser.add_argument("--path")
    parser.add_argument("--click")
    parser.add_argument("--sites", type=int)
    parser.add_argument("--chart-bars", type=int)
    parser.add_argument("--screenshot")
    parser.add_argument("--static-only", action="store_true")
    args = parser.parse_args()
    with open(args.file, encoding="utf-8") as f:
        text = f.read()
    kind, _ = check_static(text)
    if args.static_only:
        print(f"html_check: {kind} page is self-contained")
        return
    check_in_browser(args.file, args, kind)


if __name__ == "__main__":
    main()
