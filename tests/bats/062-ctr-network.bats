#!/usr/bin/env bats
# 062-ctr-network: containers on networks through the engine (run, stop,
# rm, ps, inspect, port, network connect/rm): real traffic from the host
# and between containers, and nothing left behind. This file owns the
# default network (bridge podman0); its user networks are podut-en* with
# bridges podut-en* on 10.89.10.0/24..10.89.19.0/24. After every test:
# no veth of its containers, no nft rule tagged with their IDs, no netns
# mount (basic_teardown checks mounts under the test's directory).

load helpers
load ctr-helpers

setup_file() {
    [ "$(id -u)" = 0 ] || skip "needs root"
    command -v nft >/dev/null && command -v ip >/dev/null && command -v curl >/dev/null ||
        skip "needs nft, ip and curl"
}

setup() {
    basic_setup
    add_busybox_image
    WWW=$PODUTILS_TMP/www
    mkdir -p "$WWW"
    echo "hello podutils" > "$WWW/index.html"
    VETHS=()
    IDS=()
    NETS=()
}

# remembers a running container's ID and veths for the leak check
track() {
    local id
    id=$("$PODMAN" inspect --format '{{.Id}}' "$1")
    IDS+=("$id")
    # shellcheck disable=SC2207
    VETHS+=($(veths_of "$id"))
}

# a free TCP port on the host
free_port() {
    local p
    while :; do
        p=$((RANDOM % 20000 + 40000))
        if ! ss -Hltn "sport = :$p" | grep -q .; then echo "$p"; return; fi
    done
}

assert_nothing_left() {
    local v id rules
    for v in "${VETHS[@]}"; do
        run ip link show "$v"
        assert "$status" -ne 0 "veth $v is gone"
    done
    rules=$(nft list table inet podutils 2>/dev/null || true)
    for id in "${IDS[@]}"; do
        assert "$rules" !~ "ctr:$id" "no rule of container $id"
    done
    run grep -c " $POD_RUNROOT/netns/" /proc/self/mountinfo
    is "$output" "0" "no netns mount"
}

teardown() {
    "$PODMAN" rm -a -f -t 0 >/dev/null 2>&1 || true
    for n in "${NETS[@]}"; do "$PODMAN" network rm -f -t 0 "$n" >/dev/null 2>&1 || true; done
    assert_nothing_left
    basic_teardown
}

@test "default network: -p publishes on 127.0.0.1 and the host's address; ps, port, inspect" {
    local p1 p2 hostip id
    p1=$(free_port)
    p2=$(free_port)
    run_pod run -d --name web -p "127.0.0.1:$p1:80" -p "$p2:80" -v "$WWW:/www:ro" busybox httpd -f -p 80 -h /www
    id=$output
    track web
    assert "${#VETHS[@]}" -eq 1 "one veth"
    run curl -sS -m 5 "http://127.0.0.1:$p1/"
    is "$output" "hello podutils" "through 127.0.0.1"
    hostip=$(ip -4 -o addr show scope global | awk '$2 != "podman0" && $2 !~ /^podut/ { split($4, a, "/"); print a[1]; exit }')
    if [[ -n "$hostip" ]]; then
        run curl -sS -m 5 "http://$hostip:$p2/"
        is "$output" "hello podutils" "through the host's address $hostip"
    fi
    run_pod ps --format '{{.Ports}} {{.Networks}}'
    is "$output" "127.0.0.1:$p1->80/tcp, 0.0.0.0:$p2->80/tcp podman" "ps PORTS and networks"
    run_pod port web
    is "$output" "80/tcp -> 127.0.0.1:$p1
80/tcp -> 0.0.0.0:$p2" "port"
    run_pod port web 80/tcp
    is "${lines[0]}" "127.0.0.1:$p1" "port PRIVATE"
    run_pod 125 port web 81
    is "$output" "Error: failed to find published port \"81\"" "port not published"
    run_pod inspect web --format '{{.NetworkSettings.IPAddress}} {{.NetworkSettings.Gateway}} {{.NetworkSettings.IPPrefixLen}} {{.HostConfig.NetworkMode}} {{.NetworkSettings.SandboxKey}}'
    assert "$output" =~ "^10\.88\.[0-9]+\.[0-9]+ 10\.88\.0\.1 16 bridge $POD_RUNROOT/netns/$id$" "inspect"
    run_pod inspect web --format '{{json .HostConfig.PortBindings}}'
    is "$output" "{\"80/tcp\":[{\"HostIp\":\"127.0.0.1\",\"HostPort\":\"$p1\"},{\"HostIp\":\"\",\"HostPort\":\"$p2\"}]}" "PortBindings"
    run_pod ps -q --filter network=podman --filter publish="$p2"
    is "$output" "${id:0:12}" "ps --filter network= publish="
    run_pod ps -q --filter network=nosuch
    is "$output" "" "other network"

    # stop tears it all down, start sets it up again
    run_pod stop -t 0 web
    assert_nothing_left
    run_pod start web
    # shellcheck disable=SC2207
    VETHS+=($(veths_of "$id"))
    run curl -sS -m 5 "http://127.0.0.1:$p1/"
    is "$output" "hello podutils" "after a restart"
    run_pod rm -f -t 0 web
    assert_nothing_left
}

@test "/etc/hosts and /etc/resolv.conf on the default network" {
    run_pod run --rm --name hn --hostname myhost --add-host db:10.0.0.5 busybox sh -c 'cat /etc/hosts; echo ---; cat /etc/resolv.conf; echo ---; ip -4 -o addr show eth0'
    is "${lines[0]}" "10.0.0.5	db" "--add-host first"
    assert "$output" =~ "10\.88\.0\.1	host\.containers\.internal" "host.containers.internal"
    local ip
    ip=$(echo "$output" | awk '/ eth0 / { split($4, a, "/"); print a[1] }')
    assert "$output" =~ "$ip	myhost hn" "own address, hostname and name"
    assert "$output" !~ "nameserver 127\." "no loopback nameserver"
    run_pod run --rm --dns 192.0.2.53 --dns-search example.com --dns-option ndots:3 busybox cat /etc/resolv.conf
    is "$output" "search example.com
nameserver 192.0.2.53
options ndots:3" "--dns flags override"
    run_pod run --rm --no-hosts busybox sh -c 'cat /etc/hosts 2>&1 | grep -c host.containers.internal || true'
    is "$output" "0" "--no-hosts keeps the image's file"
}

@test "--network none has only loopback; host shares the host's" {
    run_pod run --rm --network none busybox sh -c 'ls /sys/class/net | tr "\n" " "; ip -o link show lo'
    assert "$output" =~ "^lo " "only lo"
    assert "$output" =~ "UP" "lo is up"
    run_pod run --rm --network host busybox sh -c 'ls /sys/class/net | wc -l'
    assert "$output" -gt 1 "host's interfaces"
    run_pod '?' run --rm --network none -p 8080:80 busybox true
    assert "$output" =~ "Port mappings have been discarded" "-p with none is discarded with a warning"
    is "$status" "0" "and runs"
}

@test "flag errors as Podman's" {
    local -a cases=(
        "--network none --ip 10.88.0.9|Error: --ip can only be set when the network mode is bridge: invalid argument"
        "--network host --network-alias x|Error: --network-alias can only be set when the network mode is bridge: invalid argument"
        "--network none --mac-address 02:00:00:00:00:01|Error: --mac-address can only be set when the network mode is bridge: invalid argument"
        "--ip 1.2.3|Error: \"1.2.3\" is not an ip address"
        "--no-hosts --add-host a:1.2.3.4|Error: --no-hosts and --add-host cannot be set together"
        "--network nosuch-en|Error: unable to find network with name or ID nosuch-en: network not found"
        "--network bridge --network host|Error: can only set extra network names, selected mode host conflicts with bridge"
        "--network none --dns 1.1.1.1|Error: conflicting options: dns and the network mode: none"
        "-p 70000:80|Error: parsing host port: port numbers must be between 1 and 65535 (inclusive), got 70000"
    )
    local c
    for c in "${cases[@]}"; do
        # shellcheck disable=SC2086
        run_pod 125 create ${c%%|*} busybox true
        is "$output" "${c#*|}" "create ${c%%|*}"
    done
    run_pod ps -aq
    is "$output" "" "nothing created"
}

@test "a host port in use fails before the container starts, leaving nothing" {
    local p
    p=$(free_port)
    run_pod run -d --name first -p "$p:80" busybox sleep 100
    track first
    run_pod 125 run -d --name second -p "$p:80" busybox sleep 100
    assert "$output" =~ "cannot listen on the TCP port: listen tcp4 :$p: bind: address already in use" "clear error"
    run_pod inspect second --format '{{.State.Status}}'
    is "$output" "created" "never ran"
    run_pod rm -f -t 0 first
    assert_nothing_left
    # a start that fails in the runtime leaves nothing either
    run_pod 127 run --name third busybox nosuchcommand
    track third
    assert_nothing_left
    # now it is free
    run_pod start second
    track second
    run_pod rm -f -t 0 second
}

@test "-P publishes the image's EXPOSE on random ports" {
    # give the fixture image an EXPOSE (the blob is read by ID, not re-hashed)
    local blob=$POD_ROOT/blobs/sha256/$BUSYBOX_ID
    jq -c '.config.ExposedPorts = {"80/tcp": {}}' "$blob" > "$blob.new" && mv "$blob.new" "$blob"
    run_pod run -d --name pall -P -v "$WWW:/www:ro" busybox httpd -f -p 80 -h /www
    track pall
    run_pod port pall 80
    assert "$output" =~ "^0\.0\.0\.0:[0-9]+$" "a random host port"
    local hp=${output#*:}
    run curl -sS -m 5 "http://127.0.0.1:$hp/"
    is "$output" "hello podutils" "reachable"
    run_pod inspect pall --format '{{.HostConfig.PublishAllPorts}}'
    is "$output" "true" "PublishAllPorts"
}

@test "user network: names, aliases, static IP and MAC, --internal, connect, rm -f" {
    run_pod network create --subnet 10.89.10.0/24 --interface-name podut-en0 podut-en0
    NETS+=(podut-en0)
    run_pod run -d --name srv --network podut-en0 --network-alias web --ip 10.89.10.50 --mac-address 02:42:0a:59:0a:32 -v "$WWW:/www:ro" busybox httpd -f -p 80 -h /www
    track srv
    run_pod run --rm --name cli --network podut-en0 busybox sh -c 'wget -qO- http://srv/; wget -qO- http://web/; nslookup srv | grep -c 10.89.10.50; head -1 /etc/resolv.conf; ip -o link show eth0'
    is "${lines[0]}" "hello podutils" "by name"
    is "${lines[1]}" "hello podutils" "by --network-alias"
    is "${lines[2]}" "1" "DNS answers the static IP"
    is "${lines[3]}" "search dns.podman" "resolv.conf"
    run_pod inspect srv --format '{{json (index .NetworkSettings.Networks "podut-en0")}}'
    assert "$output" =~ "\"Aliases\":\[\"web\"" "aliases in inspect"
    run_pod inspect srv --format '{{with index .NetworkSettings.Networks "podut-en0"}}{{.IPAddress}} {{.MacAddress}}{{end}}'
    is "$output" "10.89.10.50 02:42:0a:59:0a:32" "static address and MAC"

    # --internal: no way out
    run_pod network create --internal --subnet 10.89.11.0/24 --interface-name podut-en1 podut-en1
    NETS+=(podut-en1)
    run_pod run --rm --network podut-en1 busybox sh -c 'ip route | grep -c ^default; ip -4 -o addr show eth0 | wc -l'
    is "${lines[0]}" "0" "no default route"
    is "${lines[1]}" "1" "but an address"

    # connect a running container to a second network, and off again
    run_pod network create --subnet 10.89.12.0/24 --interface-name podut-en2 podut-en2
    NETS+=(podut-en2)
    run_pod network connect --alias web2 podut-en2 srv
    # shellcheck disable=SC2207
    VETHS+=($(veths_of "${IDS[0]}"))
    run_pod inspect srv --format '{{json (index .NetworkSettings.Networks "podut-en2")}}'
    assert "$output" =~ "\"IPAddress\":\"10\.89\.12\.[0-9]+\"" "connected"
    run_pod run --rm --network podut-en2 busybox wget -qO- http://web2/
    is "$output" "hello podutils" "reachable on the new network by alias"
    # kept across a restart
    run_pod restart -t 0 srv
    # shellcheck disable=SC2207
    VETHS+=($(veths_of "${IDS[0]}"))
    run_pod ps --format '{{.Networks}}' --filter name=srv
    is "$output" "podut-en0,podut-en2" "ps Networks after restart"
    run_pod run --rm --network podut-en2 busybox wget -qO- http://web2/
    is "$output" "hello podutils" "still connected after a restart"
    run_pod 125 network connect podut-en2 srv
    is "$output" "Error: container ${IDS[0]} is already connected to network \"podut-en2\": network is already connected" "twice"
    run_pod network disconnect podut-en2 srv
    run_pod inspect srv --format '{{len .NetworkSettings.Networks}}'
    is "$output" "1" "disconnected"
    run_pod 125 network disconnect podut-en2 srv
    is "$output" "Error: container srv is not connected to network podut-en2" "not connected"
    # a created container is connected at its start
    run_pod create --name later --network podut-en0 busybox sleep 100
    run_pod network connect podut-en2 later
    run_pod start later
    track later
    run_pod inspect later --format '{{len .NetworkSettings.Networks}}'
    is "$output" "2" "connected before start"
    run_pod rm -f -t 0 later

    # rm without -f refuses, with -f removes the container first
    run_pod 2 network rm podut-en0
    assert "$output" =~ "has associated containers with it" "in use"
    run_pod network rm -f -t 0 podut-en0
    is "$output" "podut-en0" "removed"
    run_pod ps -aq
    is "$output" "" "its container went first"
    run ip link show podut-en0
    assert "$status" -ne 0 "bridge removed"
}

@test "a crashed container is cleaned up by the next ps" {
    run_pod run -d --name crash busybox sleep 100
    track crash
    local mon pid
    mon=$("$PODMAN" inspect crash --format '{{.State.ConmonPid}}')
    pid=$("$PODMAN" inspect crash --format '{{.State.Pid}}')
    kill -9 "$mon" "$pid"
    sleep 0.2
    run_pod ps -a --format '{{.Status}}'
    assert "$output" =~ "^Exited" "noticed"
    assert_nothing_left
}

@test "50 concurrent networked run -d get distinct addresses" {
    local i
    for i in $(seq 1 50); do
        "$PODMAN" run -d --name "m$i" busybox sleep 100 > "$PODUTILS_TMP/m$i.out" 2>&1 &
    done
    wait
    run_pod ps -q
    assert "${#lines[@]}" -eq 50 "all 50 run"
    run_pod inspect --format '{{.NetworkSettings.IPAddress}}' $(seq -f m%g 1 50)
    local uniq
    uniq=$(echo "$output" | grep -c '^10\.88\.')
    is "$uniq" "50" "all have an address"
    is "$(echo "$output" | sort -u | wc -l)" "50" "all distinct"
    for i in $(seq 1 50); do track "m$i"; done
    run_pod rm -a -f -t 0
    assert_nothing_left
}
