# Shared by scripts/bench-vs-peer, scripts/scale-curve and scripts/test-spark (sourced, not run).
# Builds what the measurements need and runs commands under /usr/bin/time.

BENCH_DATA=${BENCH_DATA:-.bench-data}

bench_require_root() {
    if [[ ! -f Package.swift || ! -f Corpora/collab2008/responses.jsonl ]]; then
        echo "error: run this from the repository root (no Package.swift and Corpora/collab2008 here)" >&2
        exit 1
    fi
    mkdir -p "$BENCH_DATA"
}

# GNU time reports peak RSS (`-v`); Debian's package is `time`.
bench_require_time() {
    [[ -x /usr/bin/time ]] && return
    echo "Installing GNU time (for peak RSS)…" >&2
    local sudo=""
    [[ $(id -u) == 0 ]] || sudo=sudo
    $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends time >&2
}

# Sets VERBATIM to the release binary: the given one, or one built in its own scratch folder so a
# measurement never waits on (or disturbs) the main .build.
bench_build_verbatim() {
    local given=${1:-}
    if [[ -n $given ]]; then
        VERBATIM=$(realpath "$given")
    else
        local scratch=${VERBATIM_SCRATCH:-.build-bench}
        echo "Building the release binary in $scratch…" >&2
        swift build -c release --product verbatim --scratch-path "$scratch" >&2
        VERBATIM=$(realpath "$scratch/release/verbatim")
    fi
    [[ -x $VERBATIM ]] || { echo "error: no verbatim binary at $VERBATIM" >&2; exit 1; }
}

# Prints the path of the synthetic corpus of $1 answers with seed $2, generating it once.
bench_corpus() {
    local n=$1 seed=$2
    local path="$BENCH_DATA/synth-$n-seed$seed.jsonl"
    if [[ ! -f $path ]]; then
        echo "Generating $n synthetic answers (seed $seed)…" >&2
        python3 scripts/synth_corpus.py -n "$n" --seed "$seed" -o "$path" >&2
    fi
    echo "$path"
}

# The Python peer's venv (.venv-bench, git-ignored): PyStemmer, vaderSentiment and PyYAML.
bench_peer_venv() {
    local venv=.venv-bench
    if ! "$venv/bin/python" -c 'import Stemmer, vaderSentiment, yaml' 2>/dev/null; then
        echo "Creating $venv for the Python peer (pip install PyStemmer vaderSentiment pyyaml)…" >&2
        python3 -m venv "$venv"
        "$venv/bin/pip" install -q --disable-pip-version-check PyStemmer vaderSentiment pyyaml >&2
    fi
    # Not realpath: the venv's python is a symlink, and only its own path selects the venv.
    PEER_PYTHON="$(pwd)/$venv/bin/python"
}

# bench_time RESULT_FILE LABEL COMMAND...: runs the command with its standard output discarded and
# appends "label<TAB>wall seconds<TAB>peak RSS kB" to RESULT_FILE. Fails loudly if the command does.
bench_time() {
    local result=$1 label=$2
    shift 2
    local report
    report=$(mktemp)
    if ! /usr/bin/time -v -o "$report" "$@" >/dev/null 2>"$report.err"; then
        echo "error: '$label' failed: $*" >&2
        tail -20 "$report.err" >&2
        rm -f "$report" "$report.err"
        exit 1
    fi
    python3 - "$report" "$label" >>"$result" <<'EOF'
import sys
wall = rss = None
for line in open(sys.argv[1]):
    line = line.strip()
    if line.startswith("Elapsed (wall clock) time"):
        parts = line.rsplit(" ", 1)[1].split(":")
        wall = sum(float(p) * 60 ** k for k, p in enumerate(reversed(parts)))
    elif line.startswith("Maximum resident set size"):
        rss = int(line.rsplit(" ", 1)[1])
print(f"{sys.argv[2]}\t{wall}\t{rss}")
EOF
    rm -f "$report" "$report.err"
}

# bench_best RESULT_FILE LABEL REPEATS COMMAND...: the fastest of REPEATS runs (its RSS with it).
bench_best() {
    local result=$1 label=$2 repeats=$3
    shift 3
    local runs
    runs=$(mktemp)
    for ((i = 0; i < repeats; i++)); do bench_time "$runs" "$label" "$@"; done
    sort -t$'\t' -k2,2g "$runs" | head -1 >>"$result"
    rm -f "$runs"
}

# One line on how busy the machine is, so figures from a loaded machine are read as such.
bench_machine_note() {
    local cores load
    cores=$(nproc)
    load=$(cut -d' ' -f1 /proc/loadavg)
    echo "machine: $cores cores, load average $load at start$(awk -v l="$load" -v c="$cores" \
        'BEGIN { if (l > 0.5 * c) printf " (BUSY: figures are indicative only)" }')"
}
