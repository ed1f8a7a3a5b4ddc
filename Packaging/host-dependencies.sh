#!/usr/bin/env bash
# Installs the Debian packages EagleEdge needs on a build/test host (Debian 12 x86-64 with Swift
# at /opt/swift). Idempotent: packages already present are not touched, apt is not even asked.
set -euo pipefail

packages=(
    pkg-config
    libjpeg62-turbo-dev   # MJPEG frames, JPEG evidence images
    libpng-dev            # datasets, masks, reports
    libopenblas-dev       # fp32 1x1 convolutions (sgemm)
    libv4l-dev            # V4L2 cameras through libv4l2
    libmosquitto-dev      # MQTT to SCADA
    libgpiod-dev          # reject actuator, photo-eye, encoder
    libsqlite3-dev        # the on-disk journal
    libprotobuf-c-dev     # Sparkplug B payloads (protobuf-c runtime)
    protobuf-c-compiler   # regenerates Sources/CSparkplug from its .proto (currency check)
    libcurl4-openssl-dev  # HTTPS to the MLLM endpoint
    gpiod                 # gpioinfo/gpioset: independent checks of the GPIO lines
    mosquitto             # the MQTT tests' own broker (started by the tests, not as a service)
    mosquitto-clients     # mosquitto_sub: the independent subscriber of the MQTT tests
    python3-jsonschema    # validates every published payload against docs/mqtt/*.schema.json
    chromium              # the status page tests' browser (headless), the soak and cost scripts
    prometheus            # promtool: the /metrics tests check the exposition with Prometheus' own linter
    openssl               # the TLS tests make their CA and certificates at test time
    gcc                   # Packaging/gpiod-v2: the GPIO shim built against libgpiod 2
    debian-archive-keyring  # Packaging/gpiod-v2 and arm64: trixie's packages, signature-checked
    dpkg-dev              # Packaging/deb: dpkg-shlibdeps computes the package's Depends
    lintian               # Packaging/deb: the packages must have no lintian errors
    help2man              # Packaging/deb: the man page, from --help
    patchelf              # Packaging/deb: drops the cross-build's rpath from the arm64 binary
    debootstrap           # Packaging/deb/test-install.sh: the clean Debian roots
)

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "[host] installing: ${missing[*]}"
    sudo_cmd=()
    [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
    "${sudo_cmd[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# The python3 first on PATH may not be Debian's (pyenv): make sure it has the test clients.
# jsonschema validates payloads; pysparkplug (with paho-mqtt) is the independent Sparkplug host.
python_missing=()
python3 -c 'import jsonschema' 2>/dev/null || python_missing+=(jsonschema)
python3 -c 'import pysparkplug' 2>/dev/null || python_missing+=(pysparkplug==0.6.1)
python3 -c 'import paho.mqtt' 2>/dev/null || python_missing+=(paho-mqtt)
if [ ${#python_missing[@]} -gt 0 ]; then
    echo "[host] installing ${python_missing[*]} for $(command -v python3)"
    python3 -m pip install --quiet "${python_missing[@]}" 2>/dev/null ||
        python3 -m pip install --quiet --break-system-packages "${python_missing[@]}"
fi
command -v swift >/dev/null || { echo "[host] swift is not on PATH (expected /opt/swift/usr/bin)" >&2; exit 1; }
