#!/usr/bin/env bash
# Make the Kubernetes manifests of one service from templates/service and add it to base:
#
#   deploy/k8s/new-service.sh journal --hpa     # the journal scales on CPU (2 to 10 API pods)
#   deploy/k8s/new-service.sh scheduling
#
# It writes base/services/<name>/ ("placeholder" becomes <name>, "PLACEHOLDER" its settings prefix) and
# lists it in base/kustomization.yaml. The gateway also wants templates/gateway/ingress.yaml: see
# templates/README.md.
set -euo pipefail

usage() { echo "usage: $0 <name> [--hpa]" >&2; exit 2; }
[[ $# -ge 1 ]] || usage
name="$1"
shift
hpa=false
for arg in "$@"; do
    case "$arg" in
        --hpa) hpa=true ;;
        *) usage ;;
    esac
done
[[ "$name" =~ ^[a-z][a-z0-9-]{0,40}$ ]] || { echo "name must be lowercase letters, digits and '-'" >&2; exit 2; }

here="$(cd "$(dirname "$0")" && pwd)"
target="$here/base/services/$name"
kustomization="$here/base/kustomization.yaml"
marker="  # services (new-service.sh adds one line per service below this one)"
prefix="$(echo "$name" | tr 'a-z-' 'A-Z_')"

[[ ! -e "$target" ]] || { echo "$target exists already" >&2; exit 1; }
grep -qxF "$marker" "$kustomization" || { echo "marker line missing from $kustomization" >&2; exit 1; }

mkdir -p "$target"
for file in "$here"/templates/service/*.yaml; do
    sed -e "s/placeholder/$name/g" -e "s/PLACEHOLDER/$prefix/g" "$file" > "$target/$(basename "$file")"
done
if $hpa; then
    # The autoscaler owns the replica count.
    sed -i -e '/^  replicas: /d' "$target/deployment-api.yaml"
    sed -i -e 's/^  # - hpa.yaml$/  - hpa.yaml/' "$target/kustomization.yaml"
else
    rm "$target/hpa.yaml"
    sed -i -e '/^  # - hpa.yaml$/d' "$target/kustomization.yaml"
fi
sed -i -e "s|^$marker\$|&\n  - services/$name|" "$kustomization"
echo "made $target and listed it in $kustomization"
echo "create its Secrets before applying: $name-db, $name-bus, $name-app (deploy/k8s/README.md)"
