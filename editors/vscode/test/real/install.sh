#!/usr/bin/env bash
# Installs a real VS Code (code-server 4.100.3 = VS Code 1.100.3) and puppeteer-core under
# <work-dir>/code-server, once: a complete install leaves a marker and is reused. Only
# registries are used: code-server's own postinstall (which downloads ripgrep) is replaced
# by its steps done by hand, native modules built from source, ripgrep from the system.
# Needs node 20, npm, a C++ toolchain, `rg` and (to drive it) Debian's `chromium`.
# Usage: install.sh <work-dir>
set -euo pipefail
W=$(mkdir -p "$1" && cd "$1" && pwd)
CODE_SERVER_VERSION=4.100.3
PUPPETEER_VERSION=25.16.0
DIR="$W/code-server"
MARKER="$DIR/.complete-$CODE_SERVER_VERSION-$PUPPETEER_VERSION"
[ -f "$MARKER" ] && exit 0
command -v rg >/dev/null || { echo "install.sh: ripgrep (rg) is required" >&2; exit 1; }

rm -rf "$DIR" && mkdir -p "$DIR" && cd "$DIR"
t0=$(date +%s); lap() { echo "[$(( $(date +%s) - t0 ))s] $*"; }
npm init -y >/dev/null
export npm_config_audit=false npm_config_fund=false npm_config_loglevel=error PUPPETEER_SKIP_DOWNLOAD=1
npm install --ignore-scripts "code-server@$CODE_SERVER_VERSION" "puppeteer-core@$PUPPETEER_VERSION" >/dev/null
lap "code-server and puppeteer-core fetched"
VS=node_modules/code-server/lib/vscode
(cd $VS && npm install --omit=dev --ignore-scripts >/dev/null)
mkdir -p $VS/node_modules/@vscode/ripgrep/bin && cp "$(command -v rg)" $VS/node_modules/@vscode/ripgrep/bin/rg
(cd $VS && npm_config_yes=true npm rebuild kerberos @parcel/watcher @vscode/deviceid @vscode/spdlog native-watchdog node-pty >/dev/null)
ln -sfn node_modules $VS/node_modules.asar
ln -sfn code-linux.sh $VS/bin/remote-cli/code-server
ln -sfn browser-linux.sh $VS/bin/helpers/browser.sh
(cd $VS/extensions && npm install --omit=dev --ignore-scripts >/dev/null && node postinstall.mjs >/dev/null)
npm rebuild argon2 >/dev/null
lap "code-server built: $(node node_modules/code-server/out/node/entry.js --config "$DIR/config.yaml" --version | head -1)"
touch "$MARKER"
