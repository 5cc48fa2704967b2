#!/usr/bin/env bash
# Debian's tempest (33) against a Nimbus this script starts with its own
# identity service (dynamic credentials: tempest makes its projects and users
# through the admin API). Prints tempest's totals.
#
#   tests/tempest/run.sh [LIST]
#
# LIST (default tests/tempest/expected-pass.txt) holds one regex per line, as
# tempest run --include-list reads them; the run fails if any test it selects
# fails. The candidates-*.txt lists are what may pass once Nimbus serves
# what they call: run them by hand to find new passes, and move each one
# that passes into expected-pass.txt (which only grows).
# NIMBUS_BIN picks the binary (default build/tools/nimbus); TEMPEST_JOBS the
# concurrency (default 2).
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
list=$(realpath "${1:-tests/tempest/expected-pass.txt}")
bin=$(realpath "${NIMBUS_BIN:-build/tools/nimbus}")
work=$(mktemp -d /tmp/nimbus-tempest-XXXXXX)
free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
ports=()
while [ "${#ports[@]}" -lt 4 ]; do
  p=$(free_port)
  [[ " ${ports[*]} " == *" $p "* ]] || ports+=("$p")
done
port=${ports[0]} image_port=${ports[1]} identity_port=${ports[2]} network_port=${ports[3]}
password=tempest-$(python3 -c 'import secrets;print(secrets.token_hex(8))')
cat > "$work/nimbus.conf" <<CONF
[DEFAULT]
log_level = warn
[api]
auth_strategy = keystone
[identity]
bootstrap_admin_password = $password
[all_in_one]
cells = 1
hosts_per_cell = 2
CONF
"$bin" --config-file "$work/nimbus.conf" --data-dir "$work/data" --port "$port" \
  --image-port "$image_port" --network-port "$network_port" --identity-port "$identity_port" > "$work/nimbus.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 600); do
  curl -sf "http://127.0.0.1:$port/v2.1" >/dev/null && break
  kill -0 $pid 2>/dev/null || { cat "$work/nimbus.log"; exit 1; }
  sleep 0.1
done

# The networks a cloud's operator makes for Nova's users: a shared one the
# tests' servers boot on (compute.fixed_network_name) and an external one
# their floating IPs come from (network.public_network_id).
token=$(curl -si "http://127.0.0.1:$identity_port/v3/auth/tokens" -H 'Content-Type: application/json' \
  -d '{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"admin",
      "domain":{"id":"default"},"password":"'"$password"'"}}},
      "scope":{"project":{"name":"admin","domain":{"id":"default"}}}}}' |
  tr -d '\r' | sed -n 's/^[Xx]-[Ss]ubject-[Tt]oken: //p')
neutron_create() { # RESOURCE BODY: prints the new resource's id
  curl -sf "http://127.0.0.1:$network_port/v2.0/$1s" -H "X-Auth-Token: $token" \
    -H 'Content-Type: application/json' -d "$2" |
    python3 -c "import json,sys;print(json.load(sys.stdin)['$1']['id'])"
}
shared_id=$(neutron_create network '{"network":{"name":"shared","shared":true}}')
neutron_create subnet '{"subnet":{"network_id":"'"$shared_id"'","cidr":"10.1.0.0/20","ip_version":4}}' >/dev/null
public_id=$(neutron_create network '{"network":{"name":"public","router:external":true}}')
neutron_create subnet '{"subnet":{"network_id":"'"$public_id"'","cidr":"172.24.4.0/24","ip_version":4}}' >/dev/null

ws=$work/workspace
mkdir -p "$ws/etc" "$ws/logs" "$ws/tempest_lock"
sed -e "s|@WORKSPACE@|$ws|g" -e "s|@ADMIN_PASSWORD@|$password|g" \
  -e "s|@IDENTITY_PORT@|$identity_port|g" -e "s|@PUBLIC_NETWORK_ID@|$public_id|g" \
  tests/tempest/tempest.conf.in > "$ws/etc/tempest.conf"
tempest_root=$(/usr/bin/python3 -c 'import os, tempest; print(os.path.dirname(tempest.__file__))')
printf '[DEFAULT]\ntest_path=%s/test_discover\ntop_dir=%s\n' "$tempest_root" "$tempest_root" \
  > "$ws/.stestr.conf"
status=0
(cd "$ws" && tempest run --include-list "$list" --concurrency "${TEMPEST_JOBS:-2}") || status=$?
if [ "$status" -ne 0 ]; then
  echo "tempest: failures above; Nimbus's log and tempest's HTTP log follow" >&2
  tail -50 "$work/nimbus.log" >&2
  grep -B2 -A20 "Traceback\|ERROR" "$ws/logs/tempest.log" | tail -150 >&2 || true
fi
exit "$status"
