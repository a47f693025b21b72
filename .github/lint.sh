#!/usr/bin/env bash
# Lints the GitHub Actions workflows with actionlint (built from the Go module
# proxy on first use, then cached). actionlint also runs shellcheck on `run:`
# scripts when shellcheck is on PATH.
set -euo pipefail
cd "$(dirname "$0")/.."
go run github.com/rhysd/actionlint/cmd/actionlint@v1.7.12 -no-color .github/workflows/*.yml
# action.yml is no workflow, so actionlint does not read it; its install script, and the
# audit-trail script the workflows call, are checked here.
bash -n .github/install.sh .github/audit-trail.sh
