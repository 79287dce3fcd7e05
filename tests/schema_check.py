#!/usr/bin/env python3
"""The ingest contract checked with a real JSON Schema (2020-12) validator.

Usage: schema_check.py SCHEMA SAMPLE FIXTURES_DIR
- the schema itself is a valid 2020-12 schema;
- every article of the sample archive validates;
- every line of FIXTURES_DIR/valid/*.jsonl validates, every line of invalid/*.jsonl does not.
The C++ indexer is held to the same fixtures by the integration tests.
"""
import glob
import json
import os
import sys

import jsonschema


def lines(path):
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if line.strip():
                yield number, line


def main():
    schema_path, sample, fixtures = sys.argv[1:4]
    with open(schema_path, encoding="utf-8") as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    failures = 0

    def check(path, number, line, want_valid):
        nonlocal failures
        try:
            errors = list(validator.iter_errors(json.loads(line)))
        except json.JSONDecodeError as e:
            errors = [e]
        if bool(errors) == want_valid:
            failures += 1
            what = "; ".join(str(getattr(e, "message", e)) for e in errors) or "no error"
            print(f"{path}:{number}: expected {'valid' if want_valid else 'invalid'}: {what}")

    count = 0
    for number, line in lines(sample):
        check(sample, number, line, True)
        count += 1
    if count < 30:
        failures += 1
        print(f"{sample}: only {count} articles")
    for path in sorted(glob.glob(os.path.join(fixtures, "valid", "*.jsonl"))):
        for number, line in lines(path):
            check(path, number, line, True)
    for path in sorted(glob.glob(os.path.join(fixtures, "invalid", "*.jsonl"))):
        for number, line in lines(path):
            check(path, number, line, False)
    print(f"schema check: {count} sample articles, {failures} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
