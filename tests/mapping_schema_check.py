#!/usr/bin/env python3
"""The import mapping's contract checked with a real JSON Schema (2020-12) validator.

Usage: mapping_schema_check.py SCHEMA IMPORT_FIXTURES_DIR
- the schema itself is a valid 2020-12 schema;
- every site's mapping (IMPORT_FIXTURES_DIR/*/mapping.yaml|json) validates;
- every file of IMPORT_FIXTURES_DIR/invalid-mappings/ does not.
archive-index is held to the same invalid mappings by the integration tests.
"""
import glob
import json
import os
import sys

import jsonschema
import yaml


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f) if path.endswith(".json") else yaml.safe_load(f)


def main():
    schema_path, fixtures = sys.argv[1:3]
    with open(schema_path, encoding="utf-8") as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    valid = sorted(glob.glob(os.path.join(fixtures, "*", "mapping.*")))
    invalid = sorted(glob.glob(os.path.join(fixtures, "invalid-mappings", "*")))
    if not valid or not invalid:
        print(f"no mappings found under {fixtures}")
        return 1
    failures = 0
    for path, want_valid in [(p, True) for p in valid] + [(p, False) for p in invalid]:
        errors = list(validator.iter_errors(load(path)))
        if bool(errors) == want_valid:
            failures += 1
            why = "; ".join(e.message for e in errors) or "accepted"
            print(f"{path}: expected {'valid' if want_valid else 'invalid'}: {why}")
    print(f"{len(valid)} valid and {len(invalid)} invalid mappings checked, {failures} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
