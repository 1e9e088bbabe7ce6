# Shared by publish.sh and enable.sh; sourced, not run.
# shellcheck shell=bash

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# Overridable so that the scripts can be exercised against another pack (tests do).
pack_dir="${RESIDENCY_PACK_DIR:-$repo_root/policy_packs/residency}"
# The PolicyPack name given in the pack's __main__.py; fixed by the team contract.
pack_name="residency"  # used by the scripts that source this file
export pack_name

die() {
  echo "error: $*" >&2
  exit 2
}

# Print a command, then run it unless DRY_RUN=1.
run() {
  printf '+'
  printf ' %q' "$@"
  printf '\n'
  if [ "${DRY_RUN:-0}" != "1" ]; then
    "$@"
  fi
}

require_pulumi() {
  if [ "${DRY_RUN:-0}" != "1" ] && ! command -v pulumi >/dev/null 2>&1; then
    die "the Pulumi CLI is not on PATH: install it (https://www.pulumi.com/docs/install/) and run \`pulumi login\`"
  fi
}

# The version in PulumiPolicy.yaml: the version Pulumi Cloud publishes the pack as.
pack_version() {
  local file="$pack_dir/PulumiPolicy.yaml" version
  [ -f "$file" ] || die "$file not found: is RESIDENCY_PACK_DIR the policy pack's folder?"
  version="$(sed -n -E "s/^version:[[:space:]]*['\"]?([^'\"[:space:]#]+)['\"]?.*$/\1/p" "$file" | head -n 1)"
  [ -n "$version" ] || die "$file has no \`version:\`; pin the pack's version there (e.g. \`version: 1.0.0\`)"
  echo "$version"
}

# The changelog must describe a version before it is published or enabled.
require_changelog_entry() {
  local version="$1" changelog="$pack_dir/CHANGELOG.md"
  [ -f "$changelog" ] || die "$changelog not found: every published version needs a changelog entry"
  grep -q -E "^## \[?${version//./\\.}\]?([[:space:]]|$)" "$changelog" \
    || die "$changelog has no \`## [$version]\` entry: describe what changed for users before publishing $version"
}
