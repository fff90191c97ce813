#!/usr/bin/env bash
# Optional system packages for the tests that drive real programs: Debian's chromium (HTML
# report and Mermaid graphs rendered in a headless browser), graphviz (DOT graphs), CJK fonts
# (readable screenshots), and the chat servers the bots' end-to-end tests start on 127.0.0.1:
# Prosody with prosody-modules and ejabberd (XMPP), InspIRCd and ngIRCd (IRC); PostgreSQL, whose private clusters the
# cluster-mode tests start in a temporary folder (docs/scaling.md). Installs what is missing when it can (root or password-less sudo and
# apt-get); otherwise it says what is missing and exits 0: those tests then skip with a message.
set -u
packages="chromium graphviz fonts-noto-cjk prosody prosody-modules ejabberd inspircd ngircd postgresql"
missing=""
for p in $packages; do
  dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
if [ -z "$missing" ]; then
  echo "setup-system: already installed:$(printf ' %s' $packages)"
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "setup-system: no apt-get here; missing:$missing (the tests that need them will be skipped)"
  exit 0
fi
sudo=""
if [ "$(id -u)" != "0" ]; then
  if sudo -n true 2>/dev/null; then sudo="sudo -n"; else
    echo "setup-system: not root and no password-less sudo; missing:$missing (the tests that need them will be skipped)"
    exit 0
  fi
fi
export DEBIAN_FRONTEND=noninteractive
if ! $sudo apt-get install -y --no-install-recommends $missing; then
  $sudo apt-get update && $sudo apt-get install -y --no-install-recommends $missing ||
    echo "setup-system: could not install$missing (the tests that need them will be skipped)"
fi
exit 0
