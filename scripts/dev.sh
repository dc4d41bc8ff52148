#!/usr/bin/env bash
# One entry point for setting up, building and checking lcodec on Debian 12.
#
#   bash scripts/dev.sh demo   install what is missing, build, run the main job
#   bash scripts/dev.sh test   install what is missing, build, run every test
#   bash scripts/dev.sh build  install what is missing and build only
#
# Both are idempotent: a second run installs nothing and rebuilds only what
# changed. Build outputs go to build/ (release), build-asan/ (the same tests
# under AddressSanitizer + UndefinedBehaviorSanitizer) and build-fuzz/ (clang
# with libFuzzer).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

# Debian 12 packages lcodec builds and runs with. libopenblas0-openmp matters
# for speed: with the reference BLAS torch's transposed convolutions are ~10x slower.
PACKAGES=(
  cmake ninja-build g++ clang libclang-rt-14-dev pkg-config zlib1g-dev
  libtorch-dev python3-torch python3-numpy python3-pytest python3-pil
  libopenblas0-openmp
  libopencv-dev libpng-dev libsndfile1-dev libcxxopts-dev libgtest-dev
  libavcodec-dev libavformat-dev libavutil-dev libswscale-dev libswresample-dev ffmpeg
  frei0r-plugins-dev ladspa-sdk
)

install_packages() {
  local missing=()
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "== installing: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
}

# configure DIR [extra cmake args...]: once per build folder.
configure() {
  local dir=$1; shift
  if [ ! -f "$dir/build.ninja" ]; then
    cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Release "$@"
  fi
}

# build DIR [extra cmake args...]: configure if needed, then build everything.
build() {
  configure "$@"
  cmake --build "$1" -j "$(nproc)"
}

run_tests() {
  echo "== C++ tests (release build)"
  ctest --test-dir build --output-on-failure -j "$(nproc)" --timeout 900
  echo "== C++ tests under ASan + UBSan"
  build build-asan -DLCODEC_SANITIZE=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo
  ctest --test-dir build-asan --output-on-failure -j "$(nproc)" --timeout 900
  echo "== libFuzzer: every fuzz target over its seeds, then a bounded fresh run (20 s each)"
  configure build-fuzz -DCMAKE_CXX_COMPILER=clang++ -DLCODEC_LIBFUZZER=ON
  cmake --build build-fuzz -j "$(nproc)" --target fuzz_container fuzz_image_decode fuzz_image_context_decode fuzz_model_load \
    fuzz_audio_decode fuzz_video_decode
  # -R selects the fuzz runs; CTest adds the fixture that exports their model.
  ctest --test-dir build-fuzz -R libfuzzer --output-on-failure --timeout 900
  echo "== Python tests"
  (cd models && /usr/bin/python3 -m pytest -q -p no:cacheprovider tests)
}

cmd=${1:-}
case "$cmd" in
  build)
    install_packages
    build build
    ;;
  demo)
    install_packages
    build build
    bash "$ROOT/scripts/demo.sh"
    ;;
  test)
    install_packages
    build build
    run_tests
    ;;
  *)
    echo "usage: bash scripts/dev.sh {demo|test|build}" >&2
    exit 2
    ;;
esac
