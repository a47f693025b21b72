#!/usr/bin/env bash
# audit-trail.sh restore|publish LINEAGE [ORG]: runs `retainctl audit restore`
# or `retainctl audit publish` against the retainctl-audit branch, with the
# job's GITHUB_TOKEN given to git for this one command only (the checkout
# keeps no credentials: persist-credentials is false). With ORG, the
# organisation orgs/ORG/ of a repository of several (its settings name its
# audit log); without, the policies directory $POLICIES (default policies).
# The reusable workflows call it as retainctl-audit-trail (action.yml puts
# it on PATH), with LINEAGE apply-ORG or enforce-ORG per organisation.
set -euo pipefail
verb=$1 lineage=$2 org=${3:-}
: "${GITHUB_TOKEN:?GITHUB_TOKEN must be set for the audit branch}"
auth=$(printf 'x-access-token:%s' "$GITHUB_TOKEN" | base64 -w0)
echo "::add-mask::$auth"
server=${GITHUB_SERVER_URL:-https://github.com}
export GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0="http.${server%/}/.extraheader" GIT_CONFIG_VALUE_0="AUTHORIZATION: basic $auth"
if [ -n "$org" ]; then
  where=(--org "$org")
else
  where=(--policies "${POLICIES:-policies}")
fi
exec retainctl audit "$verb" --lineage "$lineage" --branch retainctl-audit "${where[@]}"
