#!/bin/sh
# The tools the tests check FloodPost's files with, as users check them:
# GDAL's GeoPackage validator and ogrinfo, QGIS (PyQGIS, offscreen), poppler's
# pdftotext/pdffonts/pdfinfo, LibreOffice for .docx/.xlsx, and PostgreSQL with
# PostGIS (the shared workspace's tests start a throwaway server of their own
# in a temporary folder: tests/pg.py; the Debian cluster is never used). Chromium comes
# with scripts/system-deps.sh. Only the tests need these; safe to run twice.
set -e
PKGS="poppler-utils gdal-bin python3-gdal qgis python3-qgis libreoffice-writer libreoffice-calc
postgresql postgresql-postgis"
missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
