#!/usr/bin/env bash
# Developers only: rebuild the committed CSS/JS in src/returnhome/static/returnhome/.
# Users never run this. Copies no GOV.UK crown, logo or font files (not a gov.uk service); the
# images it copies are the ones the compiled CSS refers to.
set -euo pipefail
cd "$(dirname "$0")"
npm ci --no-audit --no-fund
OUT=../src/returnhome/static/returnhome
mkdir -p "$OUT/images"
npx sass --no-source-map --style=compressed --load-path=. --quiet-deps \
  returnhome.scss "$OUT/returnhome.css"
# GOV.UK Frontend's JS (imported by init.js). The MOJ timeline is CSS only: no MOJ JS needed.
cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js "$OUT/govuk-frontend.min.js"
# Our own favicon (a house), not GOV.UK's crown.
cp favicon.svg favicon.ico "$OUT/images/"
# Every image the compiled CSS refers to (url(/static/returnhome/images/...)), from the package that
# ships it (MOJ's icons). Without them collectstatic (whitenoise's manifest storage) stops with
# MissingFileError and production cannot start. GOV.UK's crest is referred to only by the footer's
# copyright logo (.govuk-footer__copyright-logo, used by no template): this is not a gov.uk service,
# so an empty image stands in for it rather than the crown.
for name in $(grep -o 'url("\?/static/returnhome/images/[^")]*' "$OUT/returnhome.css" | sed 's#.*/images/##' | sort -u); do
  found=""
  if [ "$name" = govuk-crest.svg ]; then
    printf '<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>\n' > "$OUT/images/$name"; continue
  fi
  for dir in node_modules/@ministryofjustice/frontend/moj/assets/images node_modules/govuk-frontend/dist/govuk/assets/images; do
    if [ -f "$dir/$name" ]; then cp "$dir/$name" "$OUT/images/"; found=1; break; fi
  done
  [ -n "$found" ] || { echo "the CSS refers to images/$name, which no package ships" >&2; exit 1; }
done
rm -f "$OUT/manifest.json"
echo "built $OUT/returnhome.css ($(wc -c < "$OUT/returnhome.css") bytes)"
