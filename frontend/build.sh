#!/usr/bin/env bash
# Developers only: rebuild the committed CSS/JS in src/returnhome/static/returnhome/.
set -euo pipefail
cd "$(dirname "$0")"
npm ci --no-audit --no-fund
OUT=../src/returnhome/static/returnhome
mkdir -p "$OUT/images"
npx sass --no-source-map --style=compressed --load-path=. --quiet-deps \
  returnhome.scss "$OUT/returnhome.css"
cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js "$OUT/govuk-frontend.min.js"
cp node_modules/govuk-frontend/dist/govuk/assets/images/favicon.ico \
   node_modules/govuk-frontend/dist/govuk/assets/images/favicon.svg "$OUT/images/"
cp node_modules/govuk-frontend/dist/govuk/assets/manifest.json "$OUT/manifest.json" 2>/dev/null || true
echo "built $OUT/returnhome.css ($(wc -c < "$OUT/returnhome.css") bytes)"
