# Sourced by the bench drivers: starts an all-in-one nimbus on a fresh data
# directory from the config text in $conf_text, and waits until the API
# answers and every one of $want_hosts hosts has reported. Sets $dir, $port
# and $pid, and stops the server and removes $dir on exit.
dir=$(mktemp -d /tmp/nimbus-bench-XXXXXX)
free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
port=$(free_port)
iport=$(free_port)
while [ "$iport" = "$port" ]; do iport=$(free_port); done # the kernel may offer the same port twice
printf '%s\n' "$conf_text" > "$dir/nimbus.conf"
build/tools/nimbus --config-file "$dir/nimbus.conf" --data-dir "$dir" --port "$port" --image-port "$iport" \
  > "$dir/nimbus.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 1 1200); do curl -sf "http://127.0.0.1:$port/v2.1" >/dev/null && break; sleep 0.1; done
# The schedulers skip hosts that have not reported: wait for all of them.
for _ in $(seq 1 1200); do
  up=$(curl -s -H 'X-Auth-Token: admin:admin' "http://127.0.0.1:$port/v2.1/os-hypervisors" | grep -o '"state":"up"' | wc -l)
  [ "$up" -ge "$want_hosts" ] && break
  sleep 0.2
done
export NIMBUS_COMMIT=$(git rev-parse --short HEAD)
