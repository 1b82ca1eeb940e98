#!/usr/bin/env bats
# 061-network-traffic: lib/net against the real kernel, without the engine.
# Each test makes its own network namespaces (podutils-test-*), networks
# named podutils-test-* with bridges named pdt*, and drives setup and
# teardown through tests/helpers/nettest.c as the engine will. teardown
# removes all of it and fails the test if a link, a rule with one of its
# container IDs, an allocation or a pod-dnsd is left behind. Only our own
# table (inet podutils) is read or changed, only by the library.

load helpers

setup_file() {
    [ "$(id -u)" = 0 ] || skip "needs root"
    command -v nft >/dev/null && command -v ip >/dev/null || skip "needs nft and ip"
    export NETTEST_DIR="$BATS_FILE_TMPDIR"
    local top="$BATS_TEST_DIRNAME/../.."
    make -C "$top" --no-print-directory build/libpod.a >/dev/null
    # shellcheck disable=SC2046
    cc -std=gnu11 -D_GNU_SOURCE -I"$top/lib" $(pkg-config --cflags jansson) \
        "$top/tests/helpers/nettest.c" "$top/build/libpod.a" \
        $(pkg-config --libs jansson sqlite3 libcrypto libmnl libnftables) -lpthread -lm \
        -o "$NETTEST_DIR/nettest"
}

setup() {
    basic_setup
    SUF=$RANDOM$RANDOM
    NSS=()
    CTRS=()
    NETS=()
    BRIDGES=()
    FOREIGN=()
    WWW=$PODUTILS_TMP/www
    mkdir -p "$WWW"
    echo "hello podutils" > "$WWW/index.html"
}

teardown() {
    local i ns left=""
    for i in "${!CTRS[@]}"; do
        "$NETTEST_DIR/nettest" teardown "${CTRS[$i]%% *}" "${CTRS[$i]#* }" 2>/dev/null || true
    done
    for ns in "${NSS[@]}"; do
        for p in $(ip netns pids "$ns" 2>/dev/null); do kill "$p" 2>/dev/null || true; done
        ip netns del "$ns" 2>/dev/null || true
    done
    for n in "${NETS[@]}"; do "$PODMAN" network rm -f "$n" >/dev/null 2>&1 || true; done
    for b in "${FOREIGN[@]}"; do ip link del "$b" 2>/dev/null || true; done
    # network rm removes the bridge and the network's rules
    local netrules
    netrules=$(nft list table inet podutils 2>/dev/null || true)
    for b in "${BRIDGES[@]}"; do
        [[ "$netrules" != *"\"$b\""* ]] || left+=" netrules:$b"
        if ip link show "$b" >/dev/null 2>&1; then
            left+=" link:$b"
            ip link del "$b" 2>/dev/null || true
        fi
    done
    local rules
    rules=$(nft -a list table inet podutils 2>/dev/null || true)
    for i in "${!CTRS[@]}"; do
        if [[ "$rules" == *"ctr:${CTRS[$i]%% *}"* ]]; then
            left+=" rules:${CTRS[$i]%% *}"
        fi
    done
    if [ -d "$POD_ROOT" ] && [ -f "$POD_ROOT/db.sqlite" ]; then
        local n
        n=$(sqlite3 "$POD_ROOT/db.sqlite" "SELECT count(*) FROM ip_allocations" 2>/dev/null || echo 0)
        [ "$n" = 0 ] || left+=" allocations:$n"
    fi
    if ps -eo stat=,args= | grep -v '^Z' | grep -q "[p]od-dnsd.*$PODUTILS_TMP"; then
        left+=" pod-dnsd"
    fi
    basic_teardown
    if [ -n "$left" ]; then
        echo "# left behind:$left" >&3
        return 1
    fi
}

# mkns NAME: a network namespace, its path in $NSPATH
mkns() {
    local ns=podutils-test-$SUF-$1
    ip netns add "$ns"
    NSS+=("$ns")
    NSPATH=/run/netns/$ns
}

# mknet NAME [create options...]: a network with our own bridge name
mknet() {
    local name=podutils-test-$SUF-$1 br=pdt$SUF${#BRIDGES[@]}
    shift
    run_pod network create --interface-name "$br" "$@" "$name"
    NETS+=("$name")
    BRIDGES+=("$br")
    NET=$name
    BR=$br
    GW=$("$PODMAN" network inspect --format '{{range .Subnets}}{{.Gateway}} {{end}}' "$name" | cut -d' ' -f1)
}

newid() {
    printf '%s' "$SUF-$RANDOM-$1" | sha256sum | cut -c1-64
}

# ctr ID NSPATH nettest-setup-args...: sets up and records; $IP is its first address
ctr() {
    local id=$1 ns=$2
    shift 2
    run "$NETTEST_DIR/nettest" setup "$id" "$ns" "$@"
    if [ "$status" -ne 0 ]; then
        echo "# nettest setup $*: $output"
        return 1
    fi
    CTRS+=("$id $ns")
    STATUS=$output
    IP=$(jq -r '[.Networks[]][0].IPAddress' <<< "$output")
}

host_addr() {
    ip -4 -o addr show scope global | awk '{ split($4, a, "/"); print a[1]; exit }'
}

@test "bridge, veth, address and route; traffic; nothing left after teardown" {
    mknet a
    mkns a
    ctr "$(newid a)" "$NSPATH" --name web --network "$NET"
    local id=${CTRS[0]%% *}
    run jq -r '.Networks | to_entries[0] | [.key, .value.Gateway, .value.IPPrefixLen, (.value.Aliases | join(","))] | @tsv' <<< "$STATUS"
    is "$output" "$NET"$'\t'"$GW"$'\t24\t'"${id:0:12}" "NetworkSettings"
    run ip -o link show master "$BR"
    assert "$output" =~ "veth[0-9a-f]{8}@" "host veth on the bridge"
    local veth
    veth=$(ip -o link show master "$BR" | awk -F': ' '{ split($2, a, "@"); print a[1] }')
    run ip netns exec "podutils-test-$SUF-a" ip -o -4 addr show eth0
    assert "$output" =~ "inet $IP/24" "eth0 address"
    run ip netns exec "podutils-test-$SUF-a" ip route show default
    is "$output" "default via $GW dev eth0 " "default route"
    is "$(cat /proc/sys/net/ipv4/ip_forward)" 1 "forwarding on"

    ip netns exec "podutils-test-$SUF-a" busybox httpd -p 80 -h "$WWW"
    run timeout 5 curl -sS "http://$IP/"
    is "$output" "hello podutils" "host reaches the container"

    run "$NETTEST_DIR/nettest" teardown "$id" "$NSPATH"
    is "$status" 0 "teardown"
    run ip -o link show "$veth"
    assert "$status" -ne 0 "veth gone"
    # the network's bridge and rules stay (as Docker's docker0) until network rm
    run ip -o link show "$BR"
    is "$status" 0 "bridge kept after its last container"
    run nft list table inet podutils
    assert "$output" =~ "oifname != \"$BR\" masquerade" "network rules kept"
    run nft -a list table inet podutils
    assert "$output" !~ "ctr:$id" "no container rules"
    run sqlite3 "$POD_ROOT/db.sqlite" "SELECT count(*) FROM ip_allocations"
    is "$output" 0 "address freed"
    # teardown is idempotent
    run "$NETTEST_DIR/nettest" teardown "$id" "$NSPATH"
    is "$status" 0 "second teardown"
}

@test "published ports on 127.0.0.1 and the host's address; a taken port is refused" {
    local haddr
    haddr=$(host_addr)
    [ -n "$haddr" ] || skip "no global IPv4 address"
    mknet p
    mkns p
    local p1=$((20000 + RANDOM % 20000)) p2
    p2=$((p1 + 1))
    ctr "$(newid p)" "$NSPATH" --network "$NET" -p "127.0.0.1:$p1:80" -p "$p2:80/tcp"
    run jq -c .Ports <<< "$STATUS"
    is "$output" "{\"80/tcp\":[{\"HostIp\":\"127.0.0.1\",\"HostPort\":\"$p1\"},{\"HostIp\":\"\",\"HostPort\":\"$p2\"}]}" "Ports"
    ip netns exec "podutils-test-$SUF-p" busybox httpd -p 80 -h "$WWW"
    run timeout 5 curl -sS "http://127.0.0.1:$p1/"
    is "$output" "hello podutils" "127.0.0.1 forward"
    run timeout 5 curl -sS "http://$haddr:$p2/"
    is "$output" "hello podutils" "host address forward"
    run timeout 5 curl -sS "http://127.0.0.1:$p2/"
    is "$output" "hello podutils" "all-addresses forward from 127.0.0.1"
    is "$(cat /proc/sys/net/ipv4/conf/$BR/route_localnet)" 1 "route_localnet"

    # published by another container: refused before anything is made
    mkns q
    local qid
    qid=$(newid q)
    run "$NETTEST_DIR/nettest" setup "$qid" "$NSPATH" --network "$NET" -p "$p2:80"
    is "$status" 2 "in use"
    is "$output" "Error: cannot listen on the TCP port: listen tcp4 :$p2: bind: address already in use"
    run ip netns exec "podutils-test-$SUF-q" ip -o link show eth0
    assert "$status" -ne 0 "no interface was made"
    # bound on the host by someone else
    local p3=$((p1 + 2)) nc_pid
    busybox nc -l -p "$p3" >/dev/null 2>&1 &
    nc_pid=$!
    sleep 0.3
    run "$NETTEST_DIR/nettest" setup "$qid" "$NSPATH" --network "$NET" -p "$p3:80"
    kill "$nc_pid" 2>/dev/null || true
    is "$output" "Error: cannot listen on the TCP port: listen tcp4 :$p3: bind: address already in use"
    # udp on the same port is another port
    ctr "$qid" "$NSPATH" --network "$NET" -p "$p2:80/udp"
    run jq -c .Ports <<< "$STATUS"
    is "$output" "{\"80/udp\":[{\"HostIp\":\"\",\"HostPort\":\"$p2\"}]}" "udp"
}

@test "containers resolve each other by name and alias through pod-dnsd" {
    mknet d
    mkns d1
    local ns1=$NSPATH
    ctr "$(newid d1)" "$ns1" --name alpha --network "$NET:alias=web"
    local ip1=$IP
    mkns d2
    ctr "$(newid d2)" "$NSPATH" --name beta --network "$NET"
    local ip2=$IP
    run ip netns exec "podutils-test-$SUF-d1" busybox nslookup beta "$GW"
    assert "$output" =~ "Name:[[:space:]]+beta"$'\n'"Address: $ip2" "alpha finds beta"
    run ip netns exec "podutils-test-$SUF-d2" busybox nslookup web.dns.podman "$GW"
    assert "$output" =~ "Address: $ip1" "beta finds alpha's alias in dns.podman"
    run ip netns exec "podutils-test-$SUF-d2" busybox nslookup nosuch.dns.podman "$GW"
    assert "$output" =~ "NXDOMAIN" "unknown names"
    run "$NETTEST_DIR/nettest" resolv "${CTRS[0]%% *}"
    is "$output" "search dns.podman"$'\n'"nameserver $GW" "resolv.conf for the engine"

    # leaving takes the name away; the last one stops pod-dnsd
    "$NETTEST_DIR/nettest" teardown "${CTRS[1]%% *}" "$NSPATH"
    run ip netns exec "podutils-test-$SUF-d1" busybox nslookup beta.dns.podman "$GW"
    assert "$output" =~ "NXDOMAIN" "beta is gone"
    "$NETTEST_DIR/nettest" teardown "${CTRS[0]%% *}" "$ns1"
    run bash -c "ps -eo stat=,args= | grep -v '^Z' | grep '[p]od-dnsd.*$PODUTILS_TMP'"
    is "$output" "" "pod-dnsd stopped"
}

@test "an --internal network has no route out" {
    local haddr
    haddr=$(host_addr)
    [ -n "$haddr" ] || skip "no global IPv4 address"
    mknet i --internal
    mkns i
    ctr "$(newid i)" "$NSPATH" --network "$NET"
    run ip netns exec "podutils-test-$SUF-i" ip route show default
    is "$output" "" "no default route"
    run ip netns exec "podutils-test-$SUF-i" timeout 5 curl -sS -m 3 "http://$haddr:1/"
    assert "$status" -ne 0 "cannot leave"
    assert "$output" =~ "unreachable|Couldn't connect" "no route"
    run nft list table inet podutils
    assert "$output" =~ "iifname \"$BR\" oifname != \"$BR\" drop" "forward drop rule"
    assert "$output" !~ "oifname != \"$BR\" masquerade" "no masquerade"
    # the gateway (the host side of the bridge) is still there
    run ip netns exec "podutils-test-$SUF-i" busybox ping -c1 -W2 "$GW"
    is "$status" 0 "gateway reachable"
}

@test "50 concurrent setups get 50 distinct addresses, and all go away" {
    mknet c
    local i
    for i in $(seq 1 50); do
        ip netns add "podutils-test-$SUF-c$i"
        NSS+=("podutils-test-$SUF-c$i")
    done
    for i in $(seq 1 50); do
        "$NETTEST_DIR/nettest" setup "$(printf '%064x' "$SUF$i")" "/run/netns/podutils-test-$SUF-c$i" \
            --network "$NET" > "$PODUTILS_TMP/out.$i" 2>&1 &
    done
    wait
    for i in $(seq 1 50); do CTRS+=("$(printf '%064x' "$SUF$i") /run/netns/podutils-test-$SUF-c$i"); done
    run bash -c "cat '$PODUTILS_TMP'/out.* | jq -r '[.Networks[]][0].IPAddress' | sort -u | wc -l"
    is "$output" 50 "distinct addresses"
    run sqlite3 "$POD_ROOT/db.sqlite" "SELECT count(DISTINCT ip) FROM ip_allocations"
    is "$output" 50 "allocations"
    run bash -c "ip -o link show master $BR | wc -l"
    is "$output" 50 "veths"
    for i in $(seq 1 50); do
        "$NETTEST_DIR/nettest" teardown "$(printf '%064x' "$SUF$i")" "/run/netns/podutils-test-$SUF-c$i" &
    done
    wait
    run sqlite3 "$POD_ROOT/db.sqlite" "SELECT count(*) FROM ip_allocations"
    is "$output" 0 "all freed"
    run bash -c "ip -o link show master $BR | wc -l"
    is "$output" 0 "no veth left on the bridge"
}

@test "reload re-creates rules deleted behind our back" {
    mknet r
    mkns r
    local p1=$((20000 + RANDOM % 20000))
    ctr "$(newid r)" "$NSPATH" --network "$NET" -p "127.0.0.1:$p1:80"
    local id=${CTRS[0]%% *}
    ip netns exec "podutils-test-$SUF-r" busybox httpd -p 80 -h "$WWW"
    run timeout 5 curl -sS "http://127.0.0.1:$p1/"
    is "$output" "hello podutils" "before"
    # delete exactly this container's rules, as a firewall reload would
    local h
    for h in $(nft -a list table inet podutils | awk -v t="ctr:$id" 'index($0, t) { print $NF }'); do
        for c in prerouting output postrouting; do
            nft delete rule inet podutils "$c" handle "$h" 2>/dev/null || true
        done
    done
    run timeout 3 curl -sS "http://127.0.0.1:$p1/"
    assert "$status" -ne 0 "broken"
    run "$NETTEST_DIR/nettest" reload
    assert "$output" =~ "$id" "reloaded"
    run timeout 5 curl -sS "http://127.0.0.1:$p1/"
    is "$output" "hello podutils" "after reload"
    run bash -c "nft list table inet podutils | grep -c 'ctr:$id'"
    is "$output" 3 "prerouting, output and postrouting once each"
}

@test "connect and disconnect a second network" {
    mknet one
    local net1=$NET
    mknet two
    local net2=$NET br2=$BR
    mkns x
    ctr "$(newid x)" "$NSPATH" --name xx --network "$net1"
    local id=${CTRS[0]%% *}
    run "$NETTEST_DIR/nettest" connect "$id" "$NSPATH" xx "$net2"
    is "$status" 0 "connect"
    run ip netns exec "podutils-test-$SUF-x" ip -o -4 addr show eth1
    assert "$output" =~ "inet 10\." "eth1 addressed"
    run "$NETTEST_DIR/nettest" status "$id"
    run jq -r '.Networks | keys | join(" ")' <<< "$output"
    is "$output" "$(printf '%s\n' "$net1" "$net2" | sort | tr '\n' ' ' | sed 's/ $//')" "both networks"
    run "$NETTEST_DIR/nettest" connect "$id" "$NSPATH" xx "$net2"
    is "$output" "Error: container $id is already connected to network \"$net2\""
    run "$NETTEST_DIR/nettest" disconnect "$id" "$NSPATH" "$net2"
    is "$status" 0 "disconnect"
    run ip netns exec "podutils-test-$SUF-x" ip -o link show eth1
    assert "$status" -ne 0 "eth1 gone"
    run ip -o link show master "$br2"
    is "$output" "" "no port left on the second bridge"
    # network rm -f disconnects remaining users
    run_pod 2 network rm "$net1"
    run_pod network rm -f "$net1"
    run ip netns exec "podutils-test-$SUF-x" ip -o link show eth0
    assert "$status" -ne 0 "eth0 gone with rm -f"
}

@test "teardown after a crash: the netns is already gone" {
    mknet k
    mkns k
    local p1=$((20000 + RANDOM % 20000))
    ctr "$(newid k)" "$NSPATH" --network "$NET" -p "$p1:80"
    local id=${CTRS[0]%% *}
    ip netns del "podutils-test-$SUF-k"
    run "$NETTEST_DIR/nettest" teardown "$id"
    is "$status" 0 "teardown without a netns"
    run nft -a list table inet podutils
    assert "$output" !~ "ctr:$id" "rules gone"
    run sqlite3 "$POD_ROOT/db.sqlite" "SELECT count(*) FROM net_ports"
    is "$output" 0 "ports freed"
    run ip -o link show master "$BR"
    is "$output" "" "no port left on the bridge"
}

@test "IPv6, MTU, static address and MAC" {
    mknet six --ipv6 -o mtu=1400
    mkns s
    local sub
    sub=$("$PODMAN" network inspect --format '{{range .Subnets}}{{.Subnet}} {{end}}' "$NET" | cut -d' ' -f1)
    local want=${sub%.0/24}.77
    ctr "$(newid s)" "$NSPATH" --network "$NET:ip=$want,mac=02:42:ac:11:00:77"
    is "$IP" "$want" "static IPv4"
    run jq -r '[.MacAddress, (.GlobalIPv6Address | test("^fd")), .GlobalIPv6PrefixLen] | @tsv' <<< "$STATUS"
    is "$output" $'02:42:ac:11:00:77\ttrue\t64' "mac and v6"
    run ip netns exec "podutils-test-$SUF-s" ip -o link show eth0
    assert "$output" =~ "mtu 1400" "mtu"
    assert "$output" =~ "02:42:ac:11:00:77" "mac"
    local gw6
    gw6=$(jq -r .IPv6Gateway <<< "$STATUS")
    run ip netns exec "podutils-test-$SUF-s" busybox ping -6 -c1 -W3 "$gw6"
    is "$status" 0 "v6 gateway reachable"
    # the same static address again is refused
    mkns s2
    run "$NETTEST_DIR/nettest" setup "$(newid s2)" "$NSPATH" --network "$NET:ip=$want"
    is "$output" "Error: IPAM error: requested ip address $want is already allocated to container ID ${CTRS[0]%% *}"
}

@test "macvlan on a parent interface" {
    local parent=pdt${SUF}m
    ip link add "$parent" type veth peer name "${parent}p"
    BRIDGES+=("$parent")
    ip link set "$parent" up
    ip link set "${parent}p" up
    run_pod network create -d macvlan -o parent="$parent" --subnet 10.214.9.0/24 podutils-test-$SUF-mv
    NETS+=(podutils-test-$SUF-mv)
    run_pod network inspect --format '{{.Driver}} {{.NetworkInterface}}' podutils-test-$SUF-mv
    is "$output" "macvlan $parent"
    mkns mv
    ctr "$(newid mv)" "$NSPATH" --network podutils-test-$SUF-mv
    is "$IP" "10.214.9.2" "first address"
    run ip netns exec "podutils-test-$SUF-mv" ip -d -o link show eth0
    assert "$output" =~ "macvlan" "a macvlan interface"
    run ip netns exec "podutils-test-$SUF-mv" ip route show default
    is "$output" "default via 10.214.9.1 dev eth0 " "default route"
    "$NETTEST_DIR/nettest" teardown "${CTRS[0]%% *}" "$NSPATH"
    run ip netns exec "podutils-test-$SUF-mv" ip -o link show eth0
    assert "$status" -ne 0 "gone"
    ip link del "$parent"
}

@test "network create skips a subnet whose gateway is already a host address" {
    # another engine's bridge, down, with only the gateway address: no route
    # in the main table, yet the address (and a DNS server on it) is taken
    local br=pdtgw$SUF
    ip link add "$br" type bridge
    FOREIGN+=("$br")
    ip addr add 10.89.3.1/32 dev "$br"
    printf '[network]\ndefault_subnet_pools = [{"base" = "10.89.3.0/24", "size" = 25}]\n' \
        > "$CONTAINERS_CONF"
    run_pod network create "podutils-test-$SUF-gw"
    NETS+=("podutils-test-$SUF-gw")
    run_pod network inspect --format '{{range .Subnets}}{{.Subnet}} {{.Gateway}}{{end}}' \
        "podutils-test-$SUF-gw"
    is "$output" "10.89.3.128/25 10.89.3.129" "the next subnet"
}
