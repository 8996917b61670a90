#!/usr/bin/env bash
# Speed benchmark (not a test): pages per second of `faxintake process` on a generated
# set, against the `tesseract` command-line tool run once per page (2 at a time) on the
# same decoded pages, in one run; and the peak memory of `faxintake process`.
#
# usage: bench/speed.sh [COUNT] [SEED]      (defaults: 30 files, seed 101)
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT=${1:-30}
SEED=${2:-101}
BIN=./build/app/faxintake
[ -x "$BIN" ] || bash scripts/build.sh
WORK=$(mktemp -d /tmp/faxintake-speed.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
export OMP_THREAD_LIMIT=1
JOBS=$(nproc --all)  # not plain nproc: it obeys OMP_THREAD_LIMIT

/usr/bin/python3 samples/generate.py --seed "$SEED" --count "$COUNT" --out "$WORK/set" >/dev/null
mapfile -t FILES < <(ls "$WORK"/set/*.tif "$WORK"/set/*.pdf 2>/dev/null | sort)

# 1. faxintake process (one process; pages of a fax recognized in parallel)
start=$(date +%s.%N)
/usr/bin/time -f "%M" -o "$WORK/rss" "$BIN" --log-level warn process "${FILES[@]}" >"$WORK/out.jsonl" 2>"$WORK/err" || true
end=$(date +%s.%N)
PAGES=$(/usr/bin/python3 -c "import json,sys; print(sum(len(json.loads(l)['pages']) for l in open(sys.argv[1]) if l.strip()))" "$WORK/out.jsonl")
FI_SECS=$(echo "$end - $start" | bc -l)
RSS_MB=$(( $(cat "$WORK/rss") / 1024 ))

# 2. the same pages as PNG (square pixels, as faxintake decodes them), not timed
i=0
for f in "${FILES[@]}"; do
  i=$((i+1)); "$BIN" --log-level off decode "$f" --out "$WORK/pages/$i" 2>/dev/null || true
done
NPNG=$(find "$WORK/pages" -name '*.png' | wc -l)

# 3. tesseract CLI, one process per page, $JOBS at a time
start=$(date +%s.%N)
find "$WORK/pages" -name '*.png' -print0 | xargs -0 -P "$JOBS" -I{} tesseract {} - --psm 3 >/dev/null 2>&1
end=$(date +%s.%N)
TS_SECS=$(echo "$end - $start" | bc -l)

printf 'files %d, pages %d (tesseract pages %d), cores %d\n' "${#FILES[@]}" "$PAGES" "$NPNG" "$JOBS"
printf 'faxintake process : %6.2f s  %6.3f pages/s  peak RSS %d MB (decode, clean-up, OCR, classify, extract, check)\n' \
  "$FI_SECS" "$(echo "$PAGES / $FI_SECS" | bc -l)" "$RSS_MB"
printf 'tesseract CLI     : %6.2f s  %6.3f pages/s  (OCR only, %d processes at a time)\n' \
  "$TS_SECS" "$(echo "$NPNG / $TS_SECS" | bc -l)" "$JOBS"
printf 'ratio             : %6.2fx\n' "$(echo "($PAGES / $FI_SECS) / ($NPNG / $TS_SECS)" | bc -l)"
