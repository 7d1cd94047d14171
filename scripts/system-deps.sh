#!/bin/sh
# System packages FloodPost needs on Debian/Ubuntu: a CJK font (no tofu in any
# output), the libraries Qt's offscreen and X11 platforms load, and Xvfb for
# screenshots of the GUI on a machine with no screen. Safe to run twice.
set -e
PKGS="fonts-noto-cjk fontconfig libegl1 libgl1 libglib2.0-0 libfontconfig1 libdbus-1-3 \
libxkbcommon0 libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 \
libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 xvfb chromium"
missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
