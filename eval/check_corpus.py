#!/usr/bin/env python3
"""Validate eval/corpus.jsonl against the parsed public corpus.

Usage (from the repo root):
  ./target/debug/medic guides testdata/public-runbooks --json > /tmp/guides.json
  python3 eval/check_corpus.py eval/corpus.jsonl /tmp/guides.json
"""
import collections, json, sys

KINDS = {"symptom", "error", "log", "alert", "none"}

def main(corpus_path, guides_path):
    guides = json.load(open(guides_path))
    ids = {p["id"] for g in guides["guides"] for p in g["problems"]}
    seen, errors, kinds = set(), [], collections.Counter()
    with open(corpus_path) as fh:
        for n, line in enumerate(fh, 1):
            try:
                row = json.loads(line)
            except json.JSONDecodeError as e:
                errors.append(f"line {n}: invalid JSON: {e}"); continue
            rid = row.get("id")
            if rid in seen: errors.append(f"line {n}: duplicate id {rid}")
            seen.add(rid)
            kind = row.get("kind")
            if kind not in KINDS: errors.append(f"line {n}: bad kind {kind!r}")
            kinds[kind] += 1
            q = row.get("query")
            if kind == "alert" or (kind == "none" and isinstance(q, dict)):
                if not (isinstance(q, dict) and "alertname" in q.get("labels", {})):
                    errors.append(f"line {n}: alert query without labels.alertname")
            elif not (isinstance(q, str) and q.strip()):
                errors.append(f"line {n}: empty text query")
            exp = row.get("expect")
            if not isinstance(exp, list): errors.append(f"line {n}: expect is not a list"); continue
            if kind == "none" and exp: errors.append(f"line {n}: kind none with non-empty expect")
            if kind != "none" and not exp: errors.append(f"line {n}: kind {kind} with empty expect")
            for e in exp:
                if e not in ids: errors.append(f"line {n} ({rid}): unknown problem id {e}")
    for e in errors: print(e)
    print(dict(kinds), "total", sum(kinds.values()), "errors", len(errors))
    return 1 if errors else 0

if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
