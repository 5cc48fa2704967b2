#!/usr/bin/env bash
# Installs what Nimbus needs from Debian 12 packages, and nothing that is
# already there. Safe to run again and again; both quick-start commands call it.
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config
  libcaf-dev librocksdb-dev libboost-dev libre2-dev libssl-dev libvirt-dev
  libspdlog-dev doctest-dev nlohmann-json3-dev libsodium-dev libyaml-cpp-dev
  clang-format clang-tidy
  python3 python3-openstackclient tempest curl openssl
  # Real guests (the qemu:///system driver and its end-to-end test): libvirtd
  # with qemu, qemu-img, and what the test builds its guest from (Debian's
  # cloud kernel and a static busybox).
  qemu-system-x86 qemu-utils libvirt-daemon-system libvirt-daemon-driver-qemu
  linux-image-cloud-amd64 busybox-static cpio
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo_cmd apt-get update -q
  $sudo_cmd apt-get -o DPkg::Lock::Timeout=900 install -y -q --no-install-recommends "${missing[@]}"
else
  echo "install-deps: everything is installed"
fi

# libvirtd for the qemu:///system hosts: started by hand where no systemd
# runs it (containers, CI machines); a running one is left alone.
if ! virsh -c qemu:///system version >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ] && command -v libvirtd >/dev/null; then
    pgrep -x virtlogd >/dev/null || virtlogd -d # qemu's console and log files go through it
    libvirtd -d && for _ in $(seq 1 50); do
      virsh -c qemu:///system version >/dev/null 2>&1 && break
      sleep 0.1
    done
  fi
fi
