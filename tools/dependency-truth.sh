#!/usr/bin/env bash
# Records which dependencies fail to compile, per member and target, in the dependency
# corpus (tests/fixtures/dependency-corpus): the ground truth `tests/it/dependency_corpus.rs`
# compares Triplet's T0005 findings with. Runs the real compiler, so it is slow (std is
# built from rust-src for each target); re-run it when the corpus or its Cargo.lock changes.
#
#   RUSTC=/usr/bin/rustc tools/dependency-truth.sh [corpus-dir]
#
# Needs a nightly-capable rustc with rust-src (RUSTC_BOOTSTRAP=1 is set here) and jq.
set -euo pipefail
corpus="${1:-$(dirname "$0")/../tests/fixtures/dependency-corpus}"
corpus="$(cd "$corpus" && pwd)"
export RUSTC="${RUSTC:-/usr/bin/rustc}" RUSTC_BOOTSTRAP=1
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-${TMPDIR:-/tmp}/triplet-dependency-truth}"
out="$corpus/truth.json"
rows=()
for manifest in "$corpus"/*/Cargo.toml; do
    member="$(basename "$(dirname "$manifest")")"
    # The member's targets, as Triplet selects them ([package.metadata.triplet] targets).
    # The member's targets as Triplet selects them: [package.metadata.triplet] targets,
    # plus the host (Triplet adds it unless told otherwise).
    targets="$(sed -n 's/^targets = \[\(.*\)\]/\1/p' "$manifest" | tr -d '"' | tr ',' ' ')"
    host="$("$RUSTC" -vV | sed -n 's/^host: //p')"
    case " $targets " in *" $host "*) ;; *) targets="$targets $host" ;; esac
    for target in $targets; do
        case "$target" in
            "$host") build_std=() ;; # the toolchain ships the host's std
            *-none*) build_std=(-Zbuild-std=core,alloc) ;;
            *) build_std=(-Zbuild-std=std,panic_abort) ;;
        esac
        log="$(mktemp)"
        # --keep-going: every dependency that cannot build is named, not just the first.
        cargo check --manifest-path "$corpus/Cargo.toml" -p "$member" --target "$target" \
            --keep-going "${build_std[@]}" --locked --message-format=json >"$log" 2>"$log.err" || true
        # A crate fails when the compiler reports an error in it, or its build script fails.
        failing="$(jq -r -s --arg member "$member" '
            [ .[] | select(.reason == "compiler-message" and .message.level == "error")
                  | .package_id ]
            | unique | map(capture("(?<n>[A-Za-z0-9_-]+)[@#](?<v>[0-9][^ )]*)$") // {n: ., v: ""})
            | map("\(.n)@\(.v)") | map(select(startswith($member + "@") | not)) | unique' "$log")"
        scripts="$(sed -n 's/.*failed to run custom build command for `\([^ ]*\) v\([^ `]*\).*/\1@\2/p' "$log.err" | jq -R . | jq -s .)"
        rows+=("$(jq -n --arg member "$member" --arg target "$target" \
            --argjson failing "$failing" --argjson scripts "$scripts" \
            '{member: $member, target: $target, failing: ($failing + $scripts | unique)}')")
        echo "$member $target: $(echo "$failing $scripts" | jq -s -c 'add | unique')" >&2
        rm -f "$log" "$log.err"
    done
done
printf '%s\n' "${rows[@]}" | jq -s '{rustc: $rustc, runs: .}' --arg rustc "$("$RUSTC" --version)" >"$out"
echo "wrote $out" >&2
