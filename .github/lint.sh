#!/usr/bin/env bash
# Lints the GitHub Actions workflows with actionlint (built from the Go module
# proxy on first use, then cached). actionlint also runs shellcheck on `run:`
# scripts when shellcheck is on PATH (.ci/run installs it).
set -euo pipefail
cd "$(dirname "$0")/.."
go run github.com/rhysd/actionlint/cmd/actionlint@v1.7.12 -no-color .github/workflows/*.yml
# go run reports every failure as exit 1, so the workflows and the action
# build once and run binaries: exit codes 2 (changes, drift) and 3 (usage)
# must reach the steps that read them.
if grep -nE '^[^#]*\bgo run\b' .github/workflows/*.yml action.yml; then
	echo "the lines above call go run: build the tool once (go build or go install) and run the binary"
	exit 1
fi
# action.yml is no workflow, so actionlint does not read it; its install script, the
# audit-trail script the workflows call and CI's own scripts are checked here.
scripts=(.github/install.sh .github/audit-trail.sh .github/lint.sh .ci/run .ci/fuzz)
bash -n "${scripts[@]}"
if command -v shellcheck >/dev/null 2>&1; then
	shellcheck --severity=warning "${scripts[@]}"
else
	echo "shellcheck is not installed: the scripts were only parsed (bash -n)"
fi
