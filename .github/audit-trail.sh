#!/usr/bin/env bash
# audit-trail.sh restore|publish LINEAGE: runs `retainctl audit restore` or
# `retainctl audit publish` against the retainctl-audit branch, with the
# job's GITHUB_TOKEN given to git for this one command only (the checkout
# keeps no credentials: persist-credentials is false).
set -euo pipefail
verb=$1 lineage=$2
: "${GITHUB_TOKEN:?GITHUB_TOKEN must be set for the audit branch}"
auth=$(printf 'x-access-token:%s' "$GITHUB_TOKEN" | base64 -w0)
echo "::add-mask::$auth"
export GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0="http.https://github.com/.extraheader" GIT_CONFIG_VALUE_0="AUTHORIZATION: basic $auth"
exec retainctl audit "$verb" --lineage "$lineage" --branch retainctl-audit --policies policies
