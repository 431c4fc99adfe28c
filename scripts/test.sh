#!/usr/bin/env bash
# The one test command (README): installs the real programs the tests ask (nginx with the
# stream module, openssl, Go for text/template, rsvg-convert for the topology picture, GNU time for peak memory,
# containerd, docker-registry, docker.io (dockerd) and skopeo for the pulls through the generated hosts.toml and certs.d
# and the copy lines of `clusterspec images`, etcd-server for three TLS members and etcd-client (etcdctl) for the
# plan's membership test, ansible and ansible-lint for the generated playbooks, keepalived for --config-test, haproxy for -c and the VIP fault harness, sshd, ssh, sudo and
# python3 for the fake SSH hosts the playbook runs against (tests/support/ssh-hosts.ts)) when missing, builds and
# type-checks, lints the code (ESLint, type-aware), then runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
missing=()
command -v openssl >/dev/null || missing+=(openssl)
[ -f /usr/lib/nginx/modules/ngx_stream_module.so ] && command -v nginx >/dev/null || missing+=(nginx-core libnginx-mod-stream)
command -v go >/dev/null || missing+=(golang-go)
command -v rsvg-convert >/dev/null || missing+=(librsvg2-bin)
command -v containerd >/dev/null && command -v ctr >/dev/null || missing+=(containerd)
[ -x /usr/bin/docker-registry ] || missing+=(docker-registry)
[ -x /usr/sbin/dockerd ] || missing+=(docker.io)
[ -x /usr/bin/skopeo ] || missing+=(skopeo)
[ -x /usr/bin/time ] || missing+=(time)
command -v etcd >/dev/null || missing+=(etcd-server)
command -v etcdctl >/dev/null || missing+=(etcd-client)
command -v ansible-playbook >/dev/null || missing+=(ansible)
command -v ansible-lint >/dev/null || missing+=(ansible-lint)
command -v ip >/dev/null || missing+=(iproute2)
[ -x /usr/sbin/keepalived ] || missing+=(keepalived)
[ -x /usr/sbin/haproxy ] || missing+=(haproxy)
[ -x /usr/sbin/sshd ] || missing+=(openssh-server)
command -v ssh >/dev/null && command -v ssh-keygen >/dev/null || missing+=(openssh-client)
command -v sudo >/dev/null || missing+=(sudo)
[ -x /usr/bin/python3 ] || missing+=(python3)
if [ ${#missing[@]} -gt 0 ]; then
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
npm run build
# The published packages (issue 26): runtime/ complete, and both packable; tests/acceptance/outside-repo.test.ts
# packs and installs them into a scratch sites repository.
node packages/cli/scripts/package-runtime.js --check
npm pack --dry-run -w @clusterspec/cli -w @clusterspec/nx >/dev/null
npx tsc -p tsconfig.test.json
# ESLint with typescript-eslint's type-aware rules over sources, tests and scripts (eslint.config.mjs).
npm run lint:code
# Prettier's formatting (.prettierrc.json; `npm run format` fixes it).
npm run format:check
npx jest --ci "$@"
