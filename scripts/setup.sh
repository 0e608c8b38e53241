#!/usr/bin/env bash
# Set up docsight on a fresh machine: OCR packages (Debian/Ubuntu), uv, and the project's virtualenv in .venv.
# Usage: scripts/setup.sh [--test] [--api]   (--test: the test tools and Chromium; --api: hayhooks, for `api`)
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v tesseract >/dev/null 2>&1 || need_apt+=(tesseract-ocr)
command -v pdftoppm >/dev/null 2>&1 || need_apt+=(poppler-utils)
# OCR languages beyond English (DOCSIGHT_OCR_LANGUAGES=auto picks them per page from the detected script); the
# script detection data (osd) ships with tesseract-ocr
ocr_langs=(kor chi-sim chi-sim-vert chi-tra chi-tra-vert jpn jpn-vert ara heb deu fra spa)
if command -v dpkg >/dev/null 2>&1; then
  for lang in "${ocr_langs[@]}"; do
    dpkg -s "tesseract-ocr-$lang" >/dev/null 2>&1 || need_apt+=("tesseract-ocr-$lang")
  done
fi
extras=()
for arg in "$@"; do
  case "$arg" in
    --test) extras+=(--extra test) ;;
    --api) extras+=(--extra api) ;;
    *) echo "setup: unknown option $arg (use --test, --api)" >&2; exit 2 ;;
  esac
done
# the web UI's browser test drives the system Chromium (Playwright's own browser download is not used)
if [[ " $* " == *" --test "* ]] && ! command -v chromium >/dev/null 2>&1; then need_apt+=(chromium); fi
if [ ${#need_apt[@]} -gt 0 ]; then
  if command -v apt-get >/dev/null 2>&1; then
    sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
    echo "setup: installing ${need_apt[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
  else
    echo "setup: please install tesseract and poppler (e.g. brew install tesseract poppler); OCR needs them" >&2
  fi
fi

if ! command -v uv >/dev/null 2>&1; then
  python3 -m pip install --quiet uv 2>/dev/null || python3 -m pip install --quiet --user uv
  export PATH="$HOME/.local/bin:$PATH"
fi

# Dependency overrides in pyproject.toml keep torch/CUDA out; uv applies them (plain pip would not).
# llama-cpp-python (tests only) builds from source: portable, no llava
export CMAKE_ARGS="${CMAKE_ARGS:--DGGML_NATIVE=OFF -DLLAVA_BUILD=OFF}"
uv sync --quiet --python "${DOCSIGHT_PYTHON:-python3}" "${extras[@]}"
