#!/usr/bin/env python3
"""Checks a SARIF 2.1.0 log that leakwatch wrote.

usage: sarif_check.py FILE [--results N] [--require-schema]

Always: the properties SARIF 2.1.0 requires (sarifLog version and runs;
run.tool.driver.name; result.message.text; a physicalLocation with an
artifactLocation or an address; region lines >= 1; a threadFlow with at
least one location; ruleId/ruleIndex consistent with driver.rules) and
the leakwatch specifics (one result per leak site with bytes/blocks).

When available, also against the OASIS JSON schema: the schema file
shipped by the npm package @microsoft/sarif-multitool-linux (or
$LEAKWATCH_SARIF_SCHEMA) with python3-jsonschema, and the package's own
`sarif-multitool-linux validate`. --require-schema fails when neither is.
"""
import json
import os
import shutil
import subprocess
import sys
import urllib.parse

LEVELS = {"none", "note", "warning", "error"}


def fail(message):
    print(f"sarif_check: {message}", file=sys.stderr)
    sys.exit(1)


def expect(condition, message):
    if not condition:
        fail(message)


def check_location(location, where):
    expect(isinstance(location, dict), f"{where}: not an object")
    physical = location.get("physicalLocation")
    if physical is None:
        return
    expect("artifactLocation" in physical or "address" in physical,
           f"{where}: physicalLocation needs artifactLocation or address")
    artifact = physical.get("artifactLocation")
    if artifact is not None:
        uri = artifact.get("uri")
        expect(isinstance(uri, str) and uri, f"{where}: artifactLocation.uri missing")
        parsed = urllib.parse.urlsplit(uri)
        expect(" " not in uri and (parsed.scheme in ("", "file")), f"{where}: bad uri {uri!r}")
    region = physical.get("region")
    if region is not None:
        expect(isinstance(region.get("startLine"), int) and region["startLine"] >= 1,
               f"{where}: region.startLine must be an integer >= 1")
        if "startColumn" in region:
            expect(region["startColumn"] >= 1, f"{where}: region.startColumn must be >= 1")
    address = physical.get("address")
    if address is not None:
        expect(isinstance(address.get("absoluteAddress"), int) and address["absoluteAddress"] >= 0,
               f"{where}: address.absoluteAddress must be a non-negative integer")


def check_structure(log):
    expect(log.get("version") == "2.1.0", "version must be \"2.1.0\"")
    runs = log.get("runs")
    expect(isinstance(runs, list) and len(runs) == 1, "runs must hold one run")
    run = runs[0]
    driver = run.get("tool", {}).get("driver", {})
    expect(isinstance(driver.get("name"), str) and driver["name"], "tool.driver.name missing")
    rules = driver.get("rules", [])
    rule_ids = [rule.get("id") for rule in rules]
    expect(all(isinstance(i, str) and i for i in rule_ids), "every rule needs an id")
    expect(len(set(rule_ids)) == len(rule_ids), "rule ids must be unique")
    results = run.get("results")
    expect(isinstance(results, list), "run.results must be an array")
    for n, result in enumerate(results):
        where = f"results[{n}]"
        message = result.get("message", {})
        expect(isinstance(message.get("text"), str) and message["text"], f"{where}: message.text")
        expect(result.get("ruleId") in rule_ids, f"{where}: ruleId not among driver.rules")
        if "ruleIndex" in result:
            expect(rule_ids[result["ruleIndex"]] == result["ruleId"],
                   f"{where}: ruleIndex does not point at ruleId")
        expect(result.get("level", "warning") in LEVELS, f"{where}: bad level")
        for k, location in enumerate(result.get("locations", [])):
            check_location(location, f"{where}.locations[{k}]")
        for flow in result.get("codeFlows", []):
            thread_flows = flow.get("threadFlows")
            expect(isinstance(thread_flows, list) and thread_flows, f"{where}: codeFlow without threadFlows")
            for thread_flow in thread_flows:
                steps = thread_flow.get("locations")
                expect(isinstance(steps, list) and steps, f"{where}: threadFlow without locations")
                for k, step in enumerate(steps):
                    check_location(step.get("location", {}), f"{where}.threadFlow.locations[{k}]")
        props = result.get("properties", {})
        expect(isinstance(props.get("bytes"), int) and isinstance(props.get("blocks"), int),
               f"{where}: properties.bytes/blocks")
    return results


def schema_path():
    candidates = [os.environ.get("LEAKWATCH_SARIF_SCHEMA", "")]
    npm = shutil.which("npm")
    if npm:
        try:
            root = subprocess.run([npm, "root", "-g"], capture_output=True, text=True,
                                  timeout=60).stdout.strip()
            candidates.append(os.path.join(root, "@microsoft", "sarif-multitool-linux",
                                           "sarif-2.1.0.json"))
        except (OSError, subprocess.SubprocessError):
            pass
    return next((c for c in candidates if c and os.path.isfile(c)), None)


def validate_with_schema(log):
    path = schema_path()
    if path is None:
        return "no SARIF schema file (npm i -g @microsoft/sarif-multitool-linux)"
    try:
        import jsonschema
    except ImportError:
        return "no python3-jsonschema"
    with open(path, encoding="utf-8") as f:
        schema = json.load(f)
    validator_class = jsonschema.validators.validator_for(schema)
    errors = sorted(validator_class(schema).iter_errors(log), key=lambda e: list(e.path))
    if errors:
        fail("schema: " + "; ".join(f"{list(e.path)}: {e.message}" for e in errors[:5]))
    print(f"sarif_check: valid against {path}")
    return None


def validate_with_multitool(path):
    tool = shutil.which("sarif-multitool-linux")
    if tool is None:
        return "no sarif-multitool-linux"
    p = subprocess.run([tool, "validate", path], capture_output=True, text=True, timeout=300)
    output = p.stdout + p.stderr
    if p.returncode != 0 or ": error " in output:
        fail(f"sarif-multitool validate:\n{output}")
    print("sarif_check: sarif-multitool validate found no errors")
    return None


def main():
    args = sys.argv[1:]
    require_schema = "--require-schema" in args
    expected_results = None
    if "--results" in args:
        expected_results = int(args[args.index("--results") + 1])
    path = args[0]
    try:
        with open(path, encoding="utf-8") as f:
            log = json.load(f)
    except (OSError, ValueError) as e:
        fail(f"{path}: {e}")
    results = check_structure(log)
    if expected_results is not None:
        expect(len(results) == expected_results,
               f"{len(results)} results, expected {expected_results}")
    print(f"sarif_check: structure ok ({len(results)} results)")
    skipped = [reason for reason in (validate_with_schema(log), validate_with_multitool(path)) if reason]
    for reason in skipped:
        print(f"sarif_check: skipped a validator: {reason}")
    if require_schema and len(skipped) == 2:
        fail("no schema validator available")


if __name__ == "__main__":
    main()
