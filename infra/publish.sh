#!/usr/bin/env bash
# Publishes kms-silo self-contained for linux-x64 (no .NET runtime needed on the VM) and packs it as the tarball that
# infra/cloud-init/dev-user-data.yaml installs into /opt/kms and infra/systemd/kms-silo.service runs.
#
#   infra/publish.sh [output directory]      default: artifacts/
#
# Writes <out>/kms-silo-linux-x64/ (the published files), <out>/kms-silo-linux-x64.tar.gz and its .sha256; the
# tarball's SHA-256 is the `siloPackageSha256` parameter of infra/azure/main.bicep.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
case "${1:-}" in
  -*) echo "usage: infra/publish.sh [output directory]   (default: artifacts/)" >&2; exit 2 ;;
esac
out=$(mkdir -p "${1:-$repo/artifacts}" && cd "${1:-$repo/artifacts}" && pwd)
publish="$out/kms-silo-linux-x64"

rm -rf "$publish"
# Not single-file: the runtime would extract native libraries into a writable directory at start, and the unit's
# ProtectSystem=strict leaves none outside the state directory. InvariantGlobalization (Directory.Build.props) means
# the VM needs no ICU.
dotnet publish "$repo/src/Silo/Kms.Silo.csproj" -c Release -r linux-x64 --self-contained true \
  -p:PublishSingleFile=false -p:DebugType=none --nologo -v quiet -o "$publish"

test -x "$publish/kms-silo" || { echo "publish produced no $publish/kms-silo" >&2; exit 1; }

# A stable archive: sorted names, fixed owner and times, so the same build gives the same SHA-256.
tarball="$out/kms-silo-linux-x64.tar.gz"
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime='@0' -C "$publish" -cf - . | gzip -n > "$tarball"
(cd "$out" && sha256sum "$(basename "$tarball")" > "$(basename "$tarball").sha256")
echo "$tarball"
cat "$tarball.sha256"
