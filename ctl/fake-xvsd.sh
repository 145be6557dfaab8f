#!/bin/bash
# fake-xvsd.sh: answers one xvsd control request on stdin/stdout with a canned
# reply, for test-xvsctl.sh (run under `socat UNIX-LISTEN:...,fork EXEC:`).
# Every request is appended to $FAKE_XVSD_LOG so the test can check what
# xvsctl sent.
read -r line || exit 0
printf '%s\n' "$line" >> "${FAKE_XVSD_LOG:-/dev/null}"
cmd=$(jq -r .command <<<"$line" 2>/dev/null)
ok() { printf '{"ok": true, "result": %s}\n' "$1"; }
case $cmd in
show) ok '{"bridges": [
  {"name": "xenbr0", "ageing": 300, "fdb_max": 65536, "host_port": true, "uplink": "eth0",
   "ports": [
    {"name": "xenbr0", "kind": "host", "ofport": 0, "link_up": true, "vlan_mode": "access",
     "pvid": 1, "trunks": "", "promiscuous": false, "mac_locked": false, "mac": "52:54:00:00:00:01"},
    {"name": "vif1.0", "kind": "vif", "ofport": 2, "link_up": false, "vlan_mode": "trunk",
     "pvid": 5, "trunks": "10,20-30", "promiscuous": true, "mac_locked": true,
     "mac": "00:16:3e:00:00:01", "rx_ring_free": 200}]},
  {"name": "xenbr1", "ageing": 0, "fdb_max": 10, "host_port": false, "uplink": null, "ports": []}]}' | tr -d '\n'; echo ;;
list-br) ok '["xenbr0", "xenbr0.10"]' ;;
list-ports) ok '["eth0", "vif1.0"]' ;;
br-to-vlan) ok '{"bridge": "xenbr0", "vlan": 10}' ;;
fdb-show) ok '[{"port": "eth0", "vlan": 1, "mac": "52:54:00:00:00:02", "age": 3, "static": false},
  {"port": "vif1.0", "vlan": 10, "mac": "00:16:3e:00:00:01", "age": 0, "static": true}]' | tr -d '\n'; echo ;;
fdb-stats) ok '{"entries": 2, "max": 65536, "learned": 5, "aged": 3, "evicted": 0, "moved": 1, "full_drops": 0, "ageing": 300}' ;;
fdb-flush) ok '{"flushed": 4}' ;;
port-stats) ok '[{"bridge": "xenbr0", "port": "eth0", "rx_packets": 10, "rx_bytes": 1000, "tx_packets": 5, "tx_bytes": 500, "drops": {"vlan-ingress": 0}},
  {"bridge": "xenbr0", "port": "vif1.0", "rx_packets": 1, "rx_bytes": 60, "tx_packets": 0, "tx_bytes": 0, "drops": {"vlan-ingress": 3, "mtu": 2}}]' | tr -d '\n'; echo ;;
log-level) ok '{"main": "info", "fdb": "debug"}' ;;
version) ok '{"version": "0.1.0"}' ;;
add-br|add-port|del-port|set-ageing) ok null ;;
del-br) echo '{"ok": false, "error": "bridge nosuch: no such bridge"}' ;;
odd-shape) ok '{"bridges": 7}' ;;
garbage) echo 'this is not json' ;;
no-ok) echo '{"result": 1}' ;;
hang) sleep 10 ;;
*) ok "$(jq -c '{echo: .}' <<<"$line")" ;;
esac
