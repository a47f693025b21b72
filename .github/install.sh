#!/usr/bin/env bash
# Installs a released retainctl for the runner (action.yml): downloads the
# archive for this OS and architecture and the release's checksums.txt,
# refuses an archive whose sha256 does not match, and puts retainctl on PATH.
# Sets the step outputs found=true|false and version. No matching release
# (the action used at a branch or commit) is found=false: action.yml then
# builds the action's own source.
set -euo pipefail

case "$RUNNER_OS_NAME" in
  Linux) os=linux ext=tar.gz ;;
  macOS) os=darwin ext=tar.gz ;;
  Windows) os=windows ext=zip ;;
  *) echo "::error::retainctl: no release for runner OS $RUNNER_OS_NAME"; exit 1 ;;
esac
case "$RUNNER_ARCH_NAME" in
  X64) arch=amd64 ;;
  ARM64) arch=arm64 ;;
  *) echo "::error::retainctl: no release for runner architecture $RUNNER_ARCH_NAME"; exit 1 ;;
esac

tag="$WANT"
if [ -z "$tag" ]; then
  if [[ "$REF" =~ ^v[0-9]+\.[0-9]+\.[0-9]+$ ]]; then tag="$REF"; else tag=latest; fi
fi
base="${SERVER:-https://github.com}/$REPO/releases"
if [ "$tag" = latest ]; then
  # The latest release redirects to .../releases/tag/<tag>.
  url=$(curl -fsL --retry 3 -o /dev/null -w '%{url_effective}' "$base/latest" || true)
  tag="${url##*/tag/}"
  if [ -z "$url" ] || [ "$tag" = "$url" ]; then
    echo "retainctl: $REPO has no release; building the action's source"
    echo "found=false" >> "$GITHUB_OUTPUT"
    exit 0
  fi
fi
if ! [[ "$tag" =~ ^v[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.]+)?$ ]]; then
  echo "::error::retainctl: version \"$tag\" is not a release tag such as v1.2.3"
  exit 1
fi

version="${tag#v}"
archive="retainctl_${version}_${os}_${arch}.${ext}"
dir="$RUNNER_TEMP/retainctl-$version"
mkdir -p "$dir"
# Transient failures (5xx, 429) are retried; only a release that is not
# there (404) means building the action's source instead. curl is quiet
# here (-s without -S): the status is reported below in words.
status=$(curl -fsL --retry 3 -o "$dir/checksums.txt" -w '%{http_code}' "$base/download/$tag/checksums.txt" || true)
if [ "$status" = 404 ]; then
  echo "retainctl: no release $tag of $REPO; building the action's source"
  echo "found=false" >> "$GITHUB_OUTPUT"
  exit 0
elif [ "$status" != 200 ]; then
  echo "::error::retainctl: downloading checksums.txt of $tag failed (HTTP ${status:-none}, after retries)"
  exit 1
fi
curl -fsSL --retry 3 -o "$dir/$archive" "$base/download/$tag/$archive"

want=$(awk -v f="$archive" '$2 == f {print $1}' "$dir/checksums.txt")
if [ -z "$want" ]; then
  echo "::error::retainctl: $archive is not listed in the checksums of $tag"
  exit 1
fi
if command -v sha256sum >/dev/null; then
  got=$(sha256sum "$dir/$archive" | awk '{print $1}')
else
  got=$(shasum -a 256 "$dir/$archive" | awk '{print $1}')
fi
if [ "$got" != "$want" ]; then
  echo "::error::retainctl: $archive has sha256 $got, but checksums.txt of $tag says $want: refusing to run it"
  exit 1
fi

if [ "$ext" = zip ]; then
  unzip -q -o "$dir/$archive" -d "$dir/bin"
else
  mkdir -p "$dir/bin"
  tar -xzf "$dir/$archive" -C "$dir/bin"
fi
echo "$dir/bin" >> "$GITHUB_PATH"
echo "found=true" >> "$GITHUB_OUTPUT"
echo "version=$tag" >> "$GITHUB_OUTPUT"
echo "retainctl $tag ($os/$arch) installed, sha256 $got"
