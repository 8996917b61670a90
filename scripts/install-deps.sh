#!/usr/bin/env bash
# Installs every Debian package faxintake needs to build, run, test and benchmark.
# Idempotent: when everything is present it returns in well under a second.
set -euo pipefail

PACKAGES=(
  build-essential cmake pkg-config bc time
  # OCR and imaging
  libtesseract-dev tesseract-ocr tesseract-ocr-eng tesseract-ocr-osd tesseract-ocr-script-latn libleptonica-dev
  libtiff-dev libpoppler-cpp-dev
  # storage, crypto, network
  librocksdb-dev libssl-dev libcurl4-openssl-dev
  # HTTP, JSON, config, logging, CLI, regex, classifier
  libcpp-httplib-dev nlohmann-json3-dev libyaml-cpp-dev libspdlog-dev libfmt-dev
  libcli11-dev libre2-dev libfasttext-dev
  # tests
  libgtest-dev libgmock-dev
  # sample generator and contract validation (Debian's python, not a pyenv one)
  python3 python3-pil python3-numpy python3-reportlab python3-jsonschema
  fonts-dejavu-core fonts-liberation
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "install-deps: installing ${#missing[@]} package(s): ${missing[*]}" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
