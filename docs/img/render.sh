#!/bin/sh
# Rebuild the page pictures of docs/forms.md from real output:  sh docs/img/render.sh
# Each picture is one page of a briefing in data/, built by the command and
# rendered by pdftoppm (poppler-utils) at 50 dpi.
set -e
cd "$(dirname "$0")/../.."
mkdir -p build/docs
picture() {   # picture NAME DATA PAGE
    python3 make_report.py "$2" -o "build/docs/$1.pdf" -q
    pdftoppm -r 50 -png -singlefile -f "$3" -l "$3" "build/docs/$1.pdf" "docs/img/$1"
}
picture cover data/briefing.yaml 1
picture title-block data/flood-update.yaml 1
picture statistical-note data/statistical-note.yaml 1
picture annexes data/statistical-note.yaml 4
picture landscape-annex data/statistical-note.yaml 5
picture sources-list data/statistical-note.yaml 3
