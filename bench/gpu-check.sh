#!/usr/bin/env bash
# bench/gpu-check.sh — QuantLens on every GPU path of an NVIDIA machine, in one short run
# (docs/gpu-check.md says what it measures and what was seen).
#
#   bash bench/gpu-check.sh pack          here, after npm ci: writes .gpu/ (git-ignored):
#                                         quantlens-gpu.tar.xz — this Node, the CLI/worker bundles with the
#                                         runtime packages the VSIX ships, node-llama-cpp's Vulkan build
#                                         and the fixture maker — and the Vulkan loader's .deb
#   bash bench/gpu-check.sh run [OUTDIR]  on the GPU machine, in the repository root with .gpu/ in it
#
# run: unpacks the bundle, installs the Vulkan loader if the machine has none, records the GPU
# (nvidia-smi: name, driver, temperature, clocks, power, memory) before and after and samples it
# every second (nvidia-smi dmon), makes the fixture model (QL_GPU_MODEL: qwen2.5-0.5b, the
# Qwen2.5-0.5B-shaped one, by default; tiny: the demo's tiny families), then evaluates it on each
# stack: onnxruntime's WebGPU EP (Dawn over Vulkan) and, for the GGUF variants, node-llama-cpp's
# Vulkan build (--provider webgpu asks both stacks for their Vulkan path), then the same on the CPU
# for reference. Each run's card records the execution provider that really ran (with the reason
# for any fallback), GPU memory per process and device, and the GPU's temperature and clocks per
# performance cell. Prints TTFT/TPOT per variant and stack (bench/gpu-summary.ts).
# node-llama-cpp's CUDA build (~350 MB with its libraries) is not packed: the device transfer
# takes 64 MiB. onnxruntime-node's CUDA EP needs libraries it does not bundle (README, "GPU
# execution providers").
set -euo pipefail
cd "$(dirname "$0")/.."
GPU_DIR=.gpu
BUNDLE=$GPU_DIR/quantlens-gpu.tar.xz

log() { printf '[gpu-check %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

pack() {
  local ext=dist-vsix/unpacked-linux-x64/extension stage
  [ -d node_modules/@node-llama-cpp/linux-x64-vulkan ] || { log "node_modules/@node-llama-cpp/linux-x64-vulkan is missing: run npm ci first"; exit 1; }
  node scripts/build.mjs >/dev/null
  # The VSIX, unpacked into $ext and load-checked (QL_GPU_REUSE_VSIX=1 keeps the last one: vsce takes minutes).
  if [ "${QL_GPU_REUSE_VSIX:-}" != 1 ] || [ ! -d "$ext" ]; then node scripts/package.mjs >/dev/null; fi
  stage=$(mktemp -d)
  trap 'rm -rf "$stage"' RETURN
  mkdir -p "$stage/bin" "$stage/quantlens"
  cp -a "$ext/." "$stage/quantlens/"
  # Text only on the GPU machine: sharp (images, 19 MB) becomes a stub that transformers.js can
  # require at load and that throws if anything ever asks it for an image.
  rm -rf "$stage/quantlens/node_modules/sharp" "$stage/quantlens/node_modules/@img"
  mkdir -p "$stage/quantlens/node_modules/sharp"
  echo '{"name":"sharp","version":"0.0.0-gpu-check-stub","main":"index.js"}' >"$stage/quantlens/node_modules/sharp/package.json"
  echo 'module.exports = function sharp() { throw new Error("sharp is not in the GPU check bundle (text models only)"); };' >"$stage/quantlens/node_modules/sharp/index.js"
  cp -a node_modules/@node-llama-cpp/linux-x64-vulkan "$stage/quantlens/node_modules/@node-llama-cpp/"
  cp dist/make-fixtures.js "$stage/quantlens/dist/"
  mkdir -p "$stage/quantlens/dist/bench" && cp dist/bench/gpu-summary.js "$stage/quantlens/dist/bench/"
  strip -o "$stage/bin/node" "$(command -v node)" 2>/dev/null || cp "$(command -v node)" "$stage/bin/node"
  mkdir -p "$GPU_DIR/debs"
  log "compressing the bundle (xz; a few minutes on 2 cores)"
  tar -C "$stage" -cf - . | xz -T0 -${QL_GPU_XZ_LEVEL:-6} >"$BUNDLE"
  # The Vulkan loader (the NVIDIA driver brings its ICD; the loader is a distribution package).
  if ! ls "$GPU_DIR"/debs/libvulkan1_*.deb >/dev/null 2>&1; then
    (cd "$GPU_DIR/debs" && { apt-get download libvulkan1 2>/dev/null || { apt-get update -qq && apt-get download libvulkan1; }; })
  fi
  log "wrote $BUNDLE ($(du -h "$BUNDLE" | cut -f1)) and $(ls "$GPU_DIR"/debs)"
}

gpu_state() {
  nvidia-smi --query-gpu=name,driver_version,temperature.gpu,clocks.sm,clocks.mem,power.draw,memory.used,memory.total,pstate --format=csv \
    || echo "nvidia-smi did not answer: no NVIDIA GPU here"
}

run() {
  local out=${1:-${OUT:-/tmp/quantlens-gpu-check}} work=/tmp/quantlens-gpu model=${QL_GPU_MODEL:-qwen2.5-0.5b}
  mkdir -p "$out"
  [ -f "$BUNDLE" ] || { log "$BUNDLE is missing: run 'bash bench/gpu-check.sh pack' on the build machine first"; exit 1; }
  rm -rf "$work" && mkdir -p "$work"
  log "unpacking $BUNDLE"
  tar -C "$work" -xJf "$BUNDLE"
  local node=$work/bin/node app=$work/quantlens
  if ! ldconfig -p | grep -q 'libvulkan\.so\.1'; then
    log "no Vulkan loader here: installing $GPU_DIR/debs/*.deb"
    for f in "$GPU_DIR"/debs/*.deb; do dpkg -x "$f" /; done
    ldconfig
  fi
  local icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
  if [ -f "$icd" ]; then export VK_DRIVER_FILES=$icd VK_ICD_FILENAMES=$icd; fi
  export NODE_LLAMA_CPP_SKIP_DOWNLOAD=true
  log "GPU before:"; gpu_state | tee "$out/gpu-before.csv"
  { nvidia-smi dmon -s pucm -d 1 -o T || true; } >"$out/dmon.log" 2>&1 &
  DMON=$!
  trap 'kill $DMON 2>/dev/null || true' EXIT
  "$node" "$app/dist/cli.js" env --probe >"$out/env.txt" 2>&1 || true
  cat "$out/env.txt"

  local models=$work/models folder
  if [ "$model" = tiny ]; then
    "$node" "$app/dist/make-fixtures.js" "$models" >"$out/fixtures.log" 2>&1
    folder=$models/quantlens-tiny-gqa
  else
    "$node" "$app/dist/make-fixtures.js" --realistic "$model" --out "$models" --variants "${QL_GPU_VARIANTS:-fp32,fp16,q8,q4}" ${QL_GPU_LAYERS:+--layers $QL_GPU_LAYERS} >"$out/fixtures.log" 2>&1
    folder=$(ls -d "$models"/*/ | head -1)
  fi
  tail -5 "$out/fixtures.log"
  "$node" "$app/dist/cli.js" discover "$folder" | tee "$out/discover.txt"

  local common=(--measure fidelity,performance --perf-prompt "${QL_GPU_PROMPT:-128}" --perf-output "${QL_GPU_OUTPUT:-64}" --warmups 1 --repetitions "${QL_GPU_REPS:-3}" --context 256 --stride 256)
  local summary=()
  for provider in webgpu cpu; do
    log "evaluating $folder on $provider"
    if "$node" "$app/dist/cli.js" eval "$folder" --provider "$provider" "${common[@]}" --out "$work/runs-$provider" >"$out/eval-$provider.txt" 2>&1; then :; else log "eval on $provider exited $?"; fi
    tail -40 "$out/eval-$provider.txt"
    local report
    report=$(ls -t "$work/runs-$provider"/.quantlens/runs/*/report.json 2>/dev/null | head -1 || true)
    if [ -n "$report" ]; then
      cp "$report" "$out/report-$provider.json"
      cp "$(dirname "$report")/run.json" "$out/run-card-$provider.json" 2>/dev/null || true
      summary+=("$provider=$out/report-$provider.json")
    fi
  done
  # Long-corpus KLD: QL_GPU_KLD_TOKENS tokens (about; the demo corpus repeated) of lockstep
  # fp32-vs-q4 on the GPU, no logits file, with the eval's process-tree RSS sampled every 2 s.
  local kld_tokens=${QL_GPU_KLD_TOKENS:-100000}
  if [ "$kld_tokens" -gt 0 ]; then
    local corpus=$work/long-corpus.txt
    while [ "$(wc -c <"$corpus" 2>/dev/null || echo 0)" -lt $((kld_tokens * 5)) ]; do cat "$app/examples/demo/corpus.txt" >>"$corpus"; done
    log "long-corpus KLD: $(wc -c <"$corpus") bytes on webgpu"
    local started=$SECONDS
    "$node" "$app/dist/cli.js" eval "$folder" --provider webgpu --measure fidelity --variants "${QL_GPU_KLD_VARIANTS:-fp32,q4}" --corpus "$corpus" --context 512 --stride 512 --out "$work/runs-long" >"$out/eval-long.txt" 2>&1 &
    local eval_pid=$!
    while kill -0 $eval_pid 2>/dev/null; do
      # RSS of the eval and every process under it (the worker does the work).
      printf '%s %s\n' "$((SECONDS - started))" "$(ps -e -o pid=,ppid=,rss= | awk -v root=$eval_pid '{p[$1]=$2; r[$1]=$3} END {for (k in p) {q=k; while (q && q!=root) q=p[q]; if (q==root) s+=r[k]} print s}')" >>"$out/long-rss.txt"
      sleep 2
    done
    wait $eval_pid || log "long-corpus eval exited $?"
    tail -25 "$out/eval-long.txt"
    log "long-corpus KLD took $((SECONDS - started)) s; RSS (KiB) min/max after the first minute: $(awk '$1 >= 60 {if (!n || $2 < lo) lo = $2; if ($2 > hi) hi = $2; n++} END {print lo "/" hi " over " n " samples"}' "$out/long-rss.txt")"
    local long
    long=$(ls -t "$work/runs-long"/.quantlens/runs/*/report.json 2>/dev/null | head -1 || true)
    if [ -n "$long" ]; then cp "$long" "$out/report-long.json"; summary+=("long=$out/report-long.json"); fi
  fi
  log "GPU after:"; gpu_state | tee "$out/gpu-after.csv"
  kill $DMON 2>/dev/null || true
  "$node" "$app/dist/bench/gpu-summary.js" "${summary[@]}" | tee "$out/summary.txt"
}

case "${1:-}" in
  pack) pack ;;
  run) shift; run "$@" ;;
  *) echo "usage: bash bench/gpu-check.sh pack | run [OUTDIR]" >&2; exit 2 ;;
esac
