#!/usr/bin/env bash
# Idempotent setup, run before `npm start`, `npm test` and `npm run bench`:
#   1. Debian packages (libtorch, Gloo headers for data-parallel training, OpenBLAS; + python3-torch for --with-python; + chromium for --with-browser;
#      --with-tests, what `npm test` runs: chromium, and python3-torch + python3-numpy unless /usr/bin/python3 already imports them)
#   2. npm dependencies (nothing downloads binaries: onnxruntime-node's postinstall is skipped)
#   3. the native addon (scripts/install.mjs: node-gyp against libtorch; LIBTORCH_DIR=/path picks your own libtorch)
#   4. the TypeScript build
# Each step is skipped when already done, so repeated runs take a few seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf '[flowseg setup] %s\n' "$*" >&2; }

packages=(libtorch-dev libgloo-dev libopenblas0-pthread g++ make python3)
test_python=0
for arg in "$@"; do
  case "$arg" in
    --with-python) packages+=(python3-torch python3-numpy python3-scipy libtcmalloc-minimal4) ;;
    --with-browser) packages+=(chromium) ;;
    --with-tests) packages+=(chromium); test_python=1 ;;
  esac
done
# The tests' references (PyTorch parity of import-torch and the model logits, numpy readers of
# flowseg's files) run /usr/bin/python3 with torch and numpy; a python that imports them already
# (e.g. from pip) is kept as it is.
if [ "$test_python" = 1 ] && ! /usr/bin/python3 -c 'import torch, numpy' >/dev/null 2>&1; then
  packages+=(python3-torch python3-numpy)
fi
[ -n "${FLOWSEG_WITH_BROWSER:-}" ] && packages+=(chromium)
if [ -n "${LIBTORCH_DIR:-}" ]; then
  packages=("${packages[@]/libtorch-dev}")
  [ -f "$LIBTORCH_DIR/lib/libtorch.so" ] || { say "LIBTORCH_DIR=$LIBTORCH_DIR has no lib/libtorch.so — point it at an unpacked libtorch"; exit 2; }
fi

missing=()
for p in "${packages[@]}"; do
  [ -z "$p" ] && continue
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if ! command -v apt-get >/dev/null; then
    say "missing packages ${missing[*]} and no apt-get: install libtorch yourself and set LIBTORCH_DIR"; exit 2
  fi
  SUDO=""
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null || { say "missing packages ${missing[*]}: run as root or install them: apt-get install -y ${missing[*]}"; exit 2; }
    SUDO="sudo"
  fi
  say "installing Debian packages: ${missing[*]} (once; a few minutes)"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# npm dependencies: reinstall when package.json/package-lock.json changed since the last install.
if [ ! -f node_modules/.flowseg-installed ] || [ package.json -nt node_modules/.flowseg-installed ] || [ package-lock.json -nt node_modules/.flowseg-installed ]; then
  say "installing npm dependencies"
  ONNXRUNTIME_NODE_INSTALL=skip npm install --no-audit --no-fund --loglevel=error >&2
  touch node_modules/.flowseg-installed
fi

# Native addon: the package's install script (also run by `npm install` above) builds it when
# missing or older than native/src; here a clone must end up with the engine.
FLOWSEG_NATIVE=require node scripts/install.mjs || { say "native build failed (see above); is libtorch-dev installed?"; exit 2; }

# TypeScript.
if [ ! -f dist/.flowseg-built ] || [ -n "$(find src bench tsconfig.json -newer dist/.flowseg-built -name '*.ts' -o -newer dist/.flowseg-built -name '*.json' 2>/dev/null | head -1)" ]; then
  say "compiling TypeScript"
  node_modules/.bin/tsc -p tsconfig.json
  # golden/fixture files are read from src/ at run time; nothing to copy.
  touch dist/.flowseg-built
fi
