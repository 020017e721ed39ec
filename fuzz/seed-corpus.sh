#!/bin/sh
# Rebuilds the fuzz seed corpora (ignored by git) from the repository's test data:
#   corpus/guide/    the seed guides and ~25 public runbooks under 16 KiB
#   corpus/command/  one file per command in medic-shell's classification table
#   corpus/evidence/ every query of eval/seeds.jsonl and eval/examples.jsonl, as free text
#                    or an alert payload, and as a batch line
# Run from anywhere; existing corpus directories are replaced.
set -eu

fuzz=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$fuzz")

rm -rf "$fuzz/corpus/guide" "$fuzz/corpus/command" "$fuzz/corpus/evidence"
mkdir -p "$fuzz/corpus/guide" "$fuzz/corpus/command" "$fuzz/corpus/evidence"

# Guides: all seeds, then runbooks under 16 KiB: the first two of each public
# source and every 40th of the big ones (sorted, so the choice is stable).
cp "$root"/testdata/seeds/* "$fuzz/corpus/guide/"
(cd "$root/testdata/public-runbooks" && find . -type f -name '*.md' -size -16k | sort) |
    awk -F/ '{ n[$2]++ } n[$2] <= 2 || n[$2] % 40 == 0' |
    while read -r path; do
        name=$(printf '%s' "${path#./}" | tr '/' '_')
        cp "$root/testdata/public-runbooks/$path" "$fuzz/corpus/guide/$name"
    done

# Commands: the first string of every `("…", Lang, Safety, bool)` row, unescaped.
out="$fuzz/corpus/command" perl -0777 -ne '
    my $n = 0;
    while (/\(\s*"((?:[^"\\]|\\.)*)"\s*,\s*[BS]\s*,/g) {
        (my $s = $1) =~ s/\\(.)/$1 eq "n" ? "\n" : $1 eq "t" ? "\t" : $1/ge;
        my $file = sprintf("%s/%03d", $ENV{out}, $n++);
        open(my $f, ">", $file) or die "cannot write $file: $!";
        print $f $s;
        close $f;
    }
    die "no commands found\n" if $n == 0;
' "$root/crates/medic-shell/tests/support/table.rs"

# Evidence: each evaluation query alone (text, or an alert wrapped in a webhook payload)
# and as a batch line.
out="$fuzz/corpus/evidence" python3 - "$root"/eval/seeds.jsonl "$root"/eval/examples.jsonl <<'PY'
import json, os, sys
out, n = os.environ["out"], 0
for path in sys.argv[1:]:
    for line in open(path):
        if not line.strip():
            continue
        q = json.loads(line)["query"]
        body = q if isinstance(q, str) else json.dumps({"alerts": [q]})
        with open(f"{out}/{n:03d}", "w") as f:
            f.write(body)
        with open(f"{out}/batch-{n:03d}", "w") as f:
            f.write(json.dumps({"id": n, "query": q}))
        n += 1
PY

echo "guide: $(ls "$fuzz/corpus/guide" | wc -l) files, command: $(ls "$fuzz/corpus/command" | wc -l) files, evidence: $(ls "$fuzz/corpus/evidence" | wc -l) files"
