#!/usr/bin/env bash
# Developers only: rebuild the committed CSS/JS in src/returnhome/static/returnhome/.
# Users never run this. Copies no GOV.UK crown, logo or font files (not a gov.uk service).
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
rm -f "$OUT/manifest.json"
echo "built $OUT/returnhome.css ($(wc -c < "$OUT/returnhome.css") bytes)"
