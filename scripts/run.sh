#!/usr/bin/env bash
# The main job: install, build, and run the service on its default configuration
# (embedded RocksDB store under var/, drop folder var/inbox, HTTP on 127.0.0.1:8080),
# with the bundled sample faxes dropped into the inbox so they are processed at once.
# Ctrl-C stops the service; results stay in var/store (see README: "Looking at results").
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
mkdir -p var/inbox
for f in samples/set/*.tif samples/set/*.pdf; do
  [ -e "$f" ] || continue
  cp -n "$f" var/inbox/ 2>/dev/null || true
done
[ -e var/keys/api_tokens.yaml ] ||
  echo "run.sh: to read results over HTTP, make a token: build/app/faxintake add-token NAME staff (README: Staff and export API)" >&2
exec ./build/app/faxintake serve "$@"
