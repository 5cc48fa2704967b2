# Sourced by the bench drivers: starts an all-in-one nimbus on a fresh data
# directory from the config text in $conf_text, and waits until the API
# answers and every one of $want_hosts hosts has reported. Sets $dir, $port,
# $pid and $token (what the clients send as X-Auth-Token), and stops the server and removes $dir on exit.
dir=$(mktemp -d /tmp/nimbus-bench-XXXXXX)
free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
port=$(free_port)
iport=$(free_port)
while [ "$iport" = "$port" ]; do iport=$(free_port); done # the kernel may offer the same port twice
kport=$(free_port)
while [ "$kport" = "$port" ] || [ "$kport" = "$iport" ]; do kport=$(free_port); done
nport=$(free_port)
while [ "$nport" = "$port" ] || [ "$nport" = "$iport" ] || [ "$nport" = "$kport" ]; do
  nport=$(free_port)
done
# AUTH=keystone (default): Nimbus's identity service, signed in to as admin;
# AUTH=noauth2: the "admin:admin" token of Nova's testing mode.
auth=${AUTH:-keystone}
printf '%s\n' "$conf_text" > "$dir/nimbus.conf"
printf '[api]\nauth_strategy = %s\n[identity]\nbootstrap_admin_password = bench-secret\n' "$auth" \
  >> "$dir/nimbus.conf"
# The benches boot thousands of servers in one project.
printf '[quota]\ninstances = -1\ncores = -1\nram = -1\n[network]\nquota_port = -1\n' >> "$dir/nimbus.conf"
build/tools/nimbus --config-file "$dir/nimbus.conf" --data-dir "$dir" --port "$port" --image-port "$iport" \
  --network-port "$nport" --identity-port "$kport" > "$dir/nimbus.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 1 1200); do curl -sf "http://127.0.0.1:$port/v2.1" >/dev/null && break; sleep 0.1; done
token=admin:admin
if [ "$auth" = keystone ]; then
  token=$(curl -si "http://127.0.0.1:$kport/v3/auth/tokens" -H 'Content-Type: application/json' -d \
    '{"auth": {"identity": {"methods": ["password"], "password": {"user": {"name": "admin",
      "domain": {"name": "Default"}, "password": "bench-secret"}}},
      "scope": {"project": {"name": "admin", "domain": {"name": "Default"}}}}}' |
    tr -d '\r' | sed -n 's/^[Xx]-[Ss]ubject-[Tt]oken: //p')
  [ -n "$token" ] || { echo "start_nimbus: cannot sign in as admin" >&2; exit 1; }
fi
# The schedulers skip hosts that have not reported: wait for all of them.
for _ in $(seq 1 1200); do
  up=$(curl -s -H "X-Auth-Token: $token" "http://127.0.0.1:$port/v2.1/os-hypervisors" | grep -o '"state":"up"' | wc -l)
  [ "$up" -ge "$want_hosts" ] && break
  sleep 0.2
done
export NIMBUS_COMMIT=$(git rev-parse --short HEAD)
