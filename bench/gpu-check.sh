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
# every second (nvidia-smi dmon), makes the realistic fixture (QL_GPU_MODEL, default qwen2.5-0.5b:
# the Qwen2.5-0.5B-shaped one), then runs the phases in QL_GPU_PHASES (default "eval gguf long"):
#   eval  every ONNX variant on onnxruntime's WebGPU EP (Dawn over Vulkan): fidelity + speed; then
#         speed on the CPU for reference
#   gguf  the tiny family's GGUF variants on node-llama-cpp's Vulkan build (--provider webgpu asks
#         llama.cpp for Vulkan)
#   long  a ~100k-token (QL_GPU_KLD_TOKENS) lockstep KLD fp32 vs q4 on WebGPU, no logits file,
#         process-tree RSS sampled every 2 s
# Each phase's eval has a time limit (QL_GPU_EVAL_S, _GGUF_S, _LONG_S), so a call ends in time. Each run's card records the execution provider that really ran (with the reason
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
  # This checkout's bundles (newer than a reused VSIX's) and the fixture maker, without source maps.
  cp dist/*.js "$stage/quantlens/dist/"
  mkdir -p "$stage/quantlens/dist/bench" && cp dist/bench/gpu-summary.js "$stage/quantlens/dist/bench/"
  strip -o "$stage/bin/node" "$(command -v node)" 2>/dev/null || cp "$(command -v node)" "$stage/bin/node"
  mkdir -p "$GPU_DIR/debs"
  log "compressing the bundle (xz; a few minutes on 2 cores)"
  tar -C "$stage" -cf - . | xz -T0 -${QL_GPU_XZ_LEVEL:-9} >"$BUNDLE"
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

# One evaluation, bounded in time so no phase can eat the device call; keeps its report and card.
evaluate() {  # label seconds folder eval-args…
  local label=$1 seconds=$2 folder=$3
  shift 3
  log "eval $label: $folder $*"
  local status=0
  timeout "$seconds" "$NODE" "$APP/dist/cli.js" eval "$folder" "$@" --out "$WORK/runs-$label" >"$OUTDIR/eval-$label.txt" 2>&1 || status=$?
  [ $status = 0 ] || log "eval $label exited $status$([ $status = 124 ] && echo " (over its ${seconds} s)")"
  tail -30 "$OUTDIR/eval-$label.txt"
  local report
  report=$(ls -t "$WORK/runs-$label"/.quantlens/runs/*/report.json 2>/dev/null | head -1 || true)
  if [ -n "$report" ]; then
    cp "$report" "$OUTDIR/report-$label.json"
    cp "$(dirname "$report")/run.json" "$OUTDIR/run-card-$label.json" 2>/dev/null || true
    SUMMARY+=("$label=$OUTDIR/report-$label.json")
  fi
}

# The realistic fixture, made once per machine (a warm machine keeps it between calls).
realistic_model() {
  local shape=$1 variants=$2 models=$WORK/models-$1
  if [ ! -f "$models/.complete-$variants" ]; then
    rm -rf "$models"
    "$NODE" "$APP/dist/make-fixtures.js" --realistic "$shape" --out "$models" --variants "$variants" ${QL_GPU_LAYERS:+--layers $QL_GPU_LAYERS} >"$OUTDIR/fixtures-$shape.log" 2>&1
    tail -8 "$OUTDIR/fixtures-$shape.log" >&2
    touch "$models/.complete-$variants"
  fi
  ls -d "$models"/*/ | head -1
}

run() {
  OUTDIR=${1:-${OUT:-/tmp/quantlens-gpu-check}} WORK=/tmp/quantlens-gpu
  local shape=${QL_GPU_MODEL:-qwen2.5-0.5b} phases=${QL_GPU_PHASES:-eval gguf long}
  mkdir -p "$OUTDIR" "$WORK"
  [ -f "$BUNDLE" ] || { log "$BUNDLE is missing: run 'bash bench/gpu-check.sh pack' on the build machine first"; exit 1; }
  if [ ! -f "$WORK/.unpacked" ] || [ "$BUNDLE" -nt "$WORK/.unpacked" ]; then
    log "unpacking $BUNDLE"
    rm -rf "$WORK/bin" "$WORK/quantlens"
    tar -C "$WORK" -xJf "$BUNDLE"
    touch "$WORK/.unpacked"
  fi
  NODE=$WORK/bin/node APP=$WORK/quantlens SUMMARY=()
  if ! ldconfig -p | grep -q 'libvulkan\.so\.1'; then
    log "no Vulkan loader here: installing $GPU_DIR/debs/*.deb"
    for f in "$GPU_DIR"/debs/*.deb; do dpkg -x "$f" /; done
    ldconfig
  fi
  local icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
  if [ -f "$icd" ]; then export VK_DRIVER_FILES=$icd VK_ICD_FILENAMES=$icd; fi
  export NODE_LLAMA_CPP_SKIP_DOWNLOAD=true
  log "GPU before:"; gpu_state | tee "$OUTDIR/gpu-before.csv"
  { nvidia-smi dmon -s pucm -d 1 -o T || true; } >"$OUTDIR/dmon.log" 2>&1 &
  DMON=$!
  trap 'kill $DMON 2>/dev/null || true' EXIT
  "$NODE" "$APP/dist/cli.js" env >"$OUTDIR/env.txt" 2>&1 || true
  cat "$OUTDIR/env.txt"

  local perf=(--perf-prompt "${QL_GPU_PROMPT:-128}" --perf-output "${QL_GPU_OUTPUT:-64}" --warmups 1 --repetitions "${QL_GPU_REPS:-3}")
  local folder
  if [[ " $phases " == *" eval "* ]]; then
    # Every ONNX variant on the WebGPU EP, then on the CPU for reference: fidelity and speed.
    folder=$(realistic_model "$shape" "${QL_GPU_VARIANTS:-fp32,fp16,q8,q4}")
    "$NODE" "$APP/dist/cli.js" discover "$folder" | tee "$OUTDIR/discover.txt"
    evaluate webgpu "${QL_GPU_EVAL_S:-240}" "$folder" --provider webgpu --measure fidelity,performance --context 256 --stride 256 "${perf[@]}"
    evaluate cpu "${QL_GPU_CPU_S:-120}" "$folder" --provider cpu --measure performance --variants "${QL_GPU_CPU_VARIANTS:-fp32,q4}" "${perf[@]}"
  fi
  if [[ " $phases " == *" gguf "* ]]; then
    # GGUF through node-llama-cpp's Vulkan build (--provider webgpu asks llama.cpp for Vulkan): the
    # tiny demo family, whose GGUF variants the fixture maker writes (realistic shapes have none yet).
    "$NODE" "$APP/dist/make-fixtures.js" "$WORK/tiny" quantlens-tiny-gqa >"$OUTDIR/fixtures-tiny.log" 2>&1
    evaluate gguf-vulkan "${QL_GPU_GGUF_S:-120}" "$WORK/tiny/quantlens-tiny-gqa" --provider webgpu --measure fidelity,performance --variants fp32,gguf-f32,gguf-q8_0,gguf-q4_k_m --context 128 --stride 128 "${perf[@]}"
  fi
  if [[ " $phases " == *" long "* ]]; then
    # Long-corpus KLD: about QL_GPU_KLD_TOKENS tokens (the demo corpus repeated) of lockstep fp32 vs
    # q4 on the GPU, no logits file, with the eval's process-tree RSS sampled every 2 s.
    folder=$(realistic_model "$shape" "${QL_GPU_VARIANTS:-fp32,fp16,q8,q4}")
    local tokens=${QL_GPU_KLD_TOKENS:-100000} corpus=$WORK/long-corpus.txt
    : >"$corpus"
    while [ "$(wc -c <"$corpus")" -lt $((tokens * 4)) ]; do cat "$APP/examples/demo/corpus.txt" >>"$corpus"; done
    local started=$SECONDS
    evaluate long "${QL_GPU_LONG_S:-420}" "$folder" --provider webgpu --measure fidelity --variants "${QL_GPU_KLD_VARIANTS:-fp32,q4}" --corpus "$corpus" --context 512 --stride 512 &
    local eval_pid=$!
    while kill -0 $eval_pid 2>/dev/null; do
      # RSS (KiB) of the eval and every process under it: the worker does the work.
      printf '%s %s\n' "$((SECONDS - started))" "$(ps -e -o pid=,ppid=,rss= | awk -v root=$eval_pid '{p[$1]=$2; r[$1]=$3} END {for (k in p) {q=k; while (q && q!=root) q=p[q]; if (q==root) s+=r[k]} print s}')" >>"$OUTDIR/long-rss.txt"
      sleep 2
    done
    wait $eval_pid || true
    [ -f "$OUTDIR/report-long.json" ] && SUMMARY+=("long=$OUTDIR/report-long.json")
    # Flat memory shows as the same RSS at each quarter of the pass once both sessions are loaded.
    log "long-corpus KLD: $(wc -c <"$corpus") bytes in $((SECONDS - started)) s; process-tree RSS at 25/50/75/100% of the time: $(awk '{t[NR]=$1; r[NR]=$2} END {for (q = 1; q <= 4; q++) {i = int(NR * q / 4); if (i < 1) i = 1; printf "%s s %.2f GiB  ", t[i], r[i] / 1048576}}' "$OUTDIR/long-rss.txt")"
  fi
  log "GPU after:"; gpu_state | tee "$OUTDIR/gpu-after.csv"
  kill $DMON 2>/dev/null || true
  "$NODE" "$APP/dist/bench/gpu-summary.js" "${SUMMARY[@]}" | tee "$OUTDIR/summary.txt"
}

case "${1:-}" in
  pack) pack ;;
  run) shift; run "$@" ;;
  *) echo "usage: bash bench/gpu-check.sh pack | run [OUTDIR]" >&2; exit 2 ;;
esac
