#!/usr/bin/env bash
# Packages editors/vscode into a .vsix with vsce (as a user would get it) and installs it
# into a fresh extensions dir of the code-server that install.sh set up.
# Usage: install-extension.sh <repo-root> <work-dir> <extensions-dir> <user-data-dir>
set -euo pipefail
REPO=$(cd "$1" && pwd); W=$(cd "$2" && pwd); EXT=$3; UD=$4
SRC="$W/extension-src"
rm -rf "$SRC" "$EXT" && mkdir -p "$SRC/editors/vscode"
# build.mjs copies ../../schemas into the package.
cp -r "$REPO/schemas" "$SRC/"
(cd "$REPO/editors/vscode" && tar cf - --exclude=./node_modules --exclude=./dist --exclude=./out \
  --exclude=./schemas --exclude='./server/triplet*' --exclude='./*.vsix' .) | (cd "$SRC/editors/vscode" && tar xf -)
ln -s "$REPO/editors/vscode/node_modules" "$SRC/editors/vscode/node_modules"
(cd "$SRC/editors/vscode" && npx --no-install vsce package --no-dependencies -o "$W/triplet.vsix" >/dev/null)
node "$W/code-server/node_modules/code-server/out/node/entry.js" --config "$W/code-server/config.yaml" --user-data-dir "$UD" \
  --extensions-dir "$EXT" --install-extension "$W/triplet.vsix" >/dev/null
