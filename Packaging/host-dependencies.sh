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
    mosquitto             # the MQTT tests' own broker (started by the tests, not as a service)
    mosquitto-clients     # mosquitto_sub: the independent subscriber of the MQTT tests
    python3-jsonschema    # validates every published payload against docs/mqtt/*.schema.json
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
# The python3 first on PATH may not be Debian's (pyenv): make sure it can validate schemas.
if ! python3 -c 'import jsonschema' 2>/dev/null; then
    echo "[host] installing jsonschema for $(command -v python3)"
    python3 -m pip install --quiet jsonschema
fi
command -v swift >/dev/null || { echo "[host] swift is not on PATH (expected /opt/swift/usr/bin)" >&2; exit 1; }
