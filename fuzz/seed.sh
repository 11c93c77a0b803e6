#!/usr/bin/env bash
# Seeds every target's corpus (fuzz/corpus/TARGET) from the repository's
# fixtures, its mapping files and the XML, JSON-LD, xlsx and PDF files
# europass itself writes for the demo round. Run from the repository root:
#
#   bash fuzz/seed.sh
#
# EUROPASS names the europass binary to use for the written files; by
# default it is built with `cargo run --release`. Needs `unzip`.
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=fuzz/corpus
written=$(mktemp -d)
trap 'rm -rf "$written"' EXIT

if [[ -n "${EUROPASS:-}" ]]; then
  run=("$EUROPASS")
else
  run=(cargo run --release --quiet --)
fi
# Exit code 1 only means some record has errors; the files are written.
"${run[@]}" convert fixtures/demo --out "$written/demo" --to json,xml,jsonld,xlsx,pdf --quiet || [[ $? -eq 1 ]]

mkdir -p "$corpus"/{import_file,xlsx_part,docx_part,credential_xml,credential_jsonld,mapping_toml,template_engine}

n=0
seed() { # TARGET FILE
  n=$((n + 1))
  cp "$2" "$1/seed-$n-$(basename "$2")"
}

# Raw files of every format the readers take.
for f in fixtures/demo/* fixtures/variants/* fixtures/word/* fixtures/credentials/*; do
  seed "$corpus/import_file" "$f"
done
while IFS= read -r -d '' f; do
  case "$f" in
    *.xml) seed "$corpus/credential_xml" "$f"; seed "$corpus/import_file" "$f" ;;
    *.jsonld | *.json) seed "$corpus/credential_jsonld" "$f"; seed "$corpus/import_file" "$f" ;;
    *.pdf | *.xlsx) seed "$corpus/import_file" "$f" ;;
  esac
done < <(find "$written/demo" -type f -print0 | sort -z)
seed "$corpus/credential_jsonld" fixtures/credentials/round-fi-de.json

# One part of a zip fixture: a first line "FIXTURE PART", then the part.
parts() { # TARGET FIXTURE PATTERN
  local name
  name=$(basename "$2")
  unzip -Z1 "$2" | grep -E "$3" | while IFS= read -r part; do
    n=$((n + 1))
    { printf '%s %s\n' "$name" "$part"; unzip -p "$2" "${part//[/[[]}"; } \
      > "$1/seed-$n-$name-${part//\//_}"
  done
}
for f in fixtures/demo/round.xlsx fixtures/variants/messy.xlsx; do
  parts "$corpus/xlsx_part" "$f" '^(xl/.*\.(xml|rels)|\[Content_Types\]\.xml)$'
done
for f in fixtures/word/*.docx; do
  parts "$corpus/docx_part" "$f" '^(word/(document|styles|numbering)\.xml|word/_rels/document\.xml\.rels|\[Content_Types\]\.xml)$'
done

# Mapping files: the shipped ones and the example.
for f in mappings/*.toml mappings/examples/*.toml; do
  seed "$corpus/mapping_toml" "$f"
done

# Templates: the document part of each starter layout.
for kind in learning-agreement memorandum; do
  "${run[@]}" template docx --kind "$kind" --lang lv,en "$written/$kind.docx"
  unzip -p "$written/$kind.docx" word/document.xml > "$corpus/template_engine/seed-$kind.xml"
done

for t in "$corpus"/*; do
  echo "$(basename "$t"): $(find "$t" -type f | wc -l) seeds"
done
