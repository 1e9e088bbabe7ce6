#!/usr/bin/env bash
# Publish the residency policy pack to a Pulumi Cloud organization, as the version pinned
# in policy_packs/residency/PulumiPolicy.yaml.
#
#   scripts/policy/publish.sh <org>
#
# Before uploading it checks that the pack's CHANGELOG.md describes that version, and that
# the pack passes the blueprint offline (`uv run preflight` exits 0). Pulumi Cloud refuses
# to publish a version twice: bump `version:` in PulumiPolicy.yaml and add a changelog entry.
# DRY_RUN=1 prints the commands without running them.
set -euo pipefail
# shellcheck source=_common.sh source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/_common.sh"

usage() {
  echo "usage: $0 <pulumi-org>" >&2
  exit 2
}

[ "$#" -eq 1 ] || usage
org="$1"
[[ "$org" =~ ^[A-Za-z0-9_.-]+$ ]] || die "\`$org\` is not a Pulumi organization name"

require_pulumi
version="$(pack_version)"
require_changelog_entry "$version"

if [ "${SKIP_PREFLIGHT:-0}" != "1" ]; then
  echo "checking the pack against the blueprint offline (SKIP_PREFLIGHT=1 skips this)"
  (cd "$repo_root" && run uv run preflight --policy-pack "$pack_dir" --format text) \
    || die "preflight did not pass: fix the pack or the blueprint before publishing $version"
fi

echo "publishing $pack_name $version to $org"
(cd "$pack_dir" && run pulumi policy publish "$org")
echo "published $org/$pack_name $version; enable it with: scripts/policy/enable.sh $org <policy-group> <config.json>"
