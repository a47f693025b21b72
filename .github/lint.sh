#!/usr/bin/env bash
# Lints the GitHub Actions workflows with actionlint (built from the Go module
# proxy on first use, then cached). actionlint also runs shellcheck on `run:`
# scripts when shellcheck is on PATH (.ci/run installs it).
set -euo pipefail
cd "$(dirname "$0")/.."
go run github.com/rhysd/actionlint/cmd/actionlint@v1.7.12 -no-color .github/workflows/*.yml
# action.yml is no workflow, so actionlint does not read it; its install script, the
# audit-trail script the workflows call and CI's own scripts are checked here.
scripts=(.github/install.sh .github/audit-trail.sh .github/lint.sh .ci/run .ci/fuzz)
bash -n "${scripts[@]}"
if command -v shellcheck >/dev/null 2>&1; then
	shellcheck --severity=warning "${scripts[@]}"
else
	echo "shellcheck is not installed: the scripts were only parsed (bash -n)"
fi
