#!/usr/bin/python3
"""Validates JSON Lines of intake results against the contract's JSON Schema.

usage: validate_results.py SCHEMA RESULTS.jsonl
Exit 0 when every line is valid; 1 with one message per problem otherwise.
Also checks what the schema cannot say: documents cover every page exactly once.
"""
import json
import sys

from jsonschema import Draft202012Validator


def main() -> int:
    schema = json.load(open(sys.argv[1]))
    validator = Draft202012Validator(schema)
    problems = 0
    lines = [l for l in open(sys.argv[2]) if l.strip()]
    if not lines:
        print("no results to validate")
        return 1
    for n, line in enumerate(lines, 1):
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            print(f"line {n}: not JSON: {e}")
            problems += 1
            continue
        for err in validator.iter_errors(obj):
            print(f"line {n}: {'/'.join(map(str, err.path))}: {err.message}")
            problems += 1
        pages = [p["number"] for p in obj.get("pages", [])]
        covered = sorted(p for d in obj.get("documents", []) for p in d["pages"])
        if obj.get("status") != "quarantined" and covered != sorted(pages):
            print(f"line {n}: documents cover pages {covered}, fax has {pages}")
            problems += 1
    print(f"{len(lines)} result(s), {problems} problem(s)")
    return 0 if problems == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
