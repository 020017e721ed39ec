#!/bin/sh
# Rebuilds the fuzz seed corpora (ignored by git) from the repository's test data:
#   corpus/guide/    the seed guides and ~25 public runbooks under 16 KiB
#   corpus/command/  one file per command in medic-shell's classification table
# Run from anywhere; existing corpus directories are replaced.
set -eu

fuzz=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$fuzz")

rm -rf "$fuzz/corpus/guide" "$fuzz/corpus/command"
mkdir -p "$fuzz/corpus/guide" "$fuzz/corpus/command"

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

echo "guide: $(ls "$fuzz/corpus/guide" | wc -l) files, command: $(ls "$fuzz/corpus/command" | wc -l) files"
