#!/usr/bin/env bash
# Enable a published version of the residency pack for a policy group, so that Pulumi Cloud
# runs it server-side on every `pulumi preview` and `pulumi up` of the group's stacks, with
# no `--policy-pack` flag in any repository.
#
#   scripts/policy/enable.sh <org> <policy-group> [<policy-config.json>] [<version>]
#
# <policy-group>   the Pulumi Cloud policy group (`default-policy-group` covers every stack of
#                  the organization that is in no other group). Create others with
#                  `pulumi policy group new <name> --entity-type stacks --org <org> --yes`,
#                  add stacks with `pulumi policy group edit <name> --add-stack <project>/<stack> --org <org>`,
#                  or pass CREATE_GROUP=1 to create it here.
# <policy-config>  the pack's config (the same JSON file `pulumi preview --policy-pack-config`
#                  takes): allowed-region table, trusted accounts and tenancies, exemptions.
#                  Use the stack's file the repository's CI uses (policy_packs/residency/config/
#                  <stack>.json), so that Pulumi Cloud enforces what CI checked. It is checked
#                  by the pack first (`preflight --check-policy-config`: the same message as a
#                  preflight run), then by Pulumi Cloud (`pulumi policy validate-config`).
# <version>        defaults to the version in PulumiPolicy.yaml; never `latest`, so that what is
#                  enforced is what was reviewed.
# DRY_RUN=1 prints the commands without running them.
set -euo pipefail
# shellcheck source=_common.sh source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/_common.sh"

usage() {
  echo "usage: $0 <pulumi-org> <policy-group> [<policy-config.json>] [<version>]" >&2
  exit 2
}

[ "$#" -ge 2 ] && [ "$#" -le 4 ] || usage
org="$1"
group="$2"
config="${3:-}"
[[ "$org" =~ ^[A-Za-z0-9_.-]+$ ]] || die "\`$org\` is not a Pulumi organization name"
[ -n "$group" ] || die "the policy group must not be empty"

require_pulumi
version="${4:-$(pack_version)}"
[[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+([-+].*)?$ ]] \
  || die "\`$version\` is not a pack version (x.y.z); \`latest\` is refused on purpose"
require_changelog_entry "$version"

config_args=()
if [ -n "$config" ]; then
  [ -f "$config" ] || die "policy config $config not found"
  config="$(cd "$(dirname "$config")" && pwd)/$(basename "$config")"
  # The pack itself judges the config, exactly as `pulumi preview` and preflight configure it
  # (its policies' schemas, then its Configure checks); on refusal preflight prints the reason.
  echo "checking $config with the pack (preflight --check-policy-config)"
  set +e
  (cd "$repo_root" && uv run preflight --check-policy-config --policy-pack "$pack_dir" --policy-pack-config "$config")
  status=$?
  set -e
  [ "$status" -eq 0 ] || die "the pack refuses $config (above); nothing was enabled. Fix the config first"
  run pulumi policy validate-config "$org/$pack_name" "$version" --config "$config"
  config_args=(--config "$config")
fi

if [ "${CREATE_GROUP:-0}" = "1" ]; then
  run pulumi policy group new "$group" --entity-type stacks --org "$org" --yes
fi

run pulumi policy enable "$org/$pack_name" "$version" --policy-group "$group" "${config_args[@]}"
echo "enabled $org/$pack_name $version for policy group $group"
