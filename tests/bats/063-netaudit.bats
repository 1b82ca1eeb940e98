#!/usr/bin/env bats
# 063-netaudit: gaps against Podman 4.3 found by auditing issue 6
# (networking): connect/disconnect error texts, inspect's top-level
# NetworkSettings fields. Networks netaudit-* with bridges netaudit-* on
# 10.89.61.0/24..10.89.69.0/24; nothing is left after a test.

load helpers
load ctr-helpers

setup_file() {
    [ "$(id -u)" = 0 ] || skip "needs root"
    command -v nft >/dev/null && command -v ip >/dev/null || skip "needs nft and ip"
}

setup() {
    basic_setup
    add_busybox_image
    NETS=()
}

teardown() {
    local n
    "$PODMAN" rm -a -f -t 0 >/dev/null 2>&1 || true
    for n in "${NETS[@]}"; do "$PODMAN" network rm -f -t 0 "$n" >/dev/null 2>&1 || true; done
    for n in "${NETS[@]}"; do
        run ip link show "$n"
        assert "$status" -ne 0 "bridge $n is gone"
    done
    run grep -c " $POD_RUNROOT/netns/" /proc/self/mountinfo
    is "$output" "0" "no netns mount"
    basic_teardown
}

# the host's first global IPv4 address
host_ip() {
    ip -4 -o addr show scope global | awk 'NR == 1 { split($4, a, "/"); print a[1] }'
}

# net NAME N: a network named and bridged NAME on 10.89.N.0/24
net() {
    run_pod network create --subnet "10.89.$2.0/24" --interface-name "$1" "$1"
    NETS+=("$1")
}

@test "network connect/disconnect: Podman's error texts" {
    net netaudit-a 61
    net netaudit-b 62
    run_pod run -d --name na1 --network netaudit-a busybox sleep 100
    local id=$output
    run_pod network connect netaudit-b na1
    run_pod 125 network connect netaudit-b na1
    is "$output" "Error: container $id is already connected to network \"netaudit-b\": network is already connected" "twice"
    run_pod network disconnect netaudit-b na1
    run_pod 125 network disconnect netaudit-b na1
    is "$output" "Error: container na1 is not connected to network netaudit-b" "names the container as given"
    run_pod 125 network disconnect netaudit-b "${id:0:12}"
    is "$output" "Error: container ${id:0:12} is not connected to network netaudit-b" "short ID as given"
    run_pod rm -f -t 0 na1
}

@test "inspect: top-level NetworkSettings addresses only for the default network" {
    net netaudit-c 63
    run_pod run -d --name na2 --network netaudit-c --ip 10.89.63.9 --mac-address 02:42:0a:59:3f:09 busybox sleep 100
    local fmt='{{.NetworkSettings.IPAddress}}|{{.NetworkSettings.Gateway}}|{{.NetworkSettings.IPPrefixLen}}|{{.NetworkSettings.MacAddress}}'
    run_pod inspect --format "$fmt" na2
    is "$output" "||0|" "empty on a user network, as Podman"
    run_pod inspect --format '{{with index .NetworkSettings.Networks "netaudit-c"}}{{.IPAddress}}|{{.Gateway}}|{{.IPPrefixLen}}|{{.MacAddress}}{{end}}' na2
    is "$output" "10.89.63.9|10.89.63.1|24|02:42:0a:59:3f:09" "the network's entry"
    run_pod exec na2 grep host.containers.internal /etc/hosts
    is "$output" "10.89.63.1	host.containers.internal" "the gateway still names the host"
    run_pod rm -f -t 0 na2
}

@test "-p: malformed ports in Podman's words" {
    local cases=(
        "0:80|parsing host port: port numbers must be between 1 and 65535 (inclusive), got 0"
        "65536:80|parsing host port: port numbers must be between 1 and 65535 (inclusive), got 65536"
        "80:99999|parsing container port: port numbers must be between 1 and 65535 (inclusive), got 99999"
        "8:x|parsing container port: invalid port number: strconv.Atoi: parsing \"x\": invalid syntax"
        "99999999999999999999:80|parsing host port: invalid port number: strconv.Atoi: parsing \"99999999999999999999\": value out of range"
        "100-90:80-90|parsing host port: the end port of a range must be higher than the start port - 90 is not higher than 100"
        "1-2-3:80|parsing host port: invalid port format - port ranges are formatted as startPort-stopPort"
        "8080:|must provide a non-empty container port to publish"
        "90-100:80-85|host and container port ranges have different lengths: 11 vs 6"
    )
    local c
    for c in "${cases[@]}"; do
        run_pod 125 create -p "${c%%|*}" busybox true
        is "$output" "Error: ${c#*|}" "-p ${c%%|*}"
    done
    run_pod ps -aq
    is "$output" "" "no container was created"
}

@test "-p without a bridge: Podman's plain note on stderr, none for ns:" {
    local n
    for n in host none; do
        run -0 --separate-stderr "$PODMAN" run --rm --network "$n" -p 8080:80 busybox true
        is "$stderr" "Port mappings have been discarded as one of the Host, Container, Pod, and None network modes are in use" "--network $n"
        is "$output" "" "nothing on stdout"
    done
    run -0 --separate-stderr "$PODMAN" run --rm --network ns:/proc/self/ns/net -p 8080:80 busybox true
    is "$stderr" "" "--network ns: says nothing, as Podman"
}

@test "port CTR PORT: a container without published ports prints nothing, as Podman" {
    net netaudit-d 64
    run_pod run -d --name na3 --network netaudit-d busybox sleep 100
    run_pod port na3 80
    is "$output" "" "running, no ports"
    run_pod create --name na4 busybox true
    run_pod port na4 80
    is "$output" "" "never started"
    run_pod run -d --name na5 --network netaudit-d -p 127.0.0.1::80 busybox sleep 100
    run_pod 125 port na5 81
    is "$output" 'Error: failed to find published port "81"' "a port it does not publish"
    run_pod rm -f -t 0 na3 na4 na5
}

@test "network inspect/ls templates: Labels a map in inspect, sorted text in ls; Options a map" {
    run_pod network create --subnet 10.89.65.0/24 --interface-name netaudit-e --label x=y --label a.b=c netaudit-e
    NETS+=(netaudit-e)
    run_pod network inspect -f '{{.Labels}}|{{index .Labels "x"}}|{{.Options}}|{{.IPAMOptions}}' netaudit-e
    is "$output" "map[a.b:c x:y]|y|map[]|map[driver:host-local]" "inspect, as Podman"
    run_pod network ls -f name=netaudit-e --format '{{.Labels}}|{{.Options}}'
    is "$output" "a.b=c,x=y|map[]" "ls"
}

@test "/etc/hosts: the host's entries as Podman copies them, --add-host first" {
    local want n
    # comments, blank and name-less lines dropped; "IP<TAB>names"
    want=$(sed 's/#.*//' /etc/hosts | awk 'NF >= 2 { s = $1 "\t" $2; for (i = 3; i <= NF; i++) s = s " " $i; print s }')
    for n in none host; do
        run_pod run --rm --network "$n" --add-host netaudit.example:10.89.69.9 busybox cat /etc/hosts
        is "${lines[0]}" "10.89.69.9	netaudit.example" "--network $n: --add-host first"
        is "$(printf '%s\n' "${lines[@]:1}" | head -n "$(grep -c . <<<"$want")")" "$want" "--network $n: the host's entries"
        # no bridge of ours: the host's first global address names the host
        assert "$output" =~ "$(host_ip)	host.containers.internal" "--network $n: host.containers.internal"
    done
}

@test "--network NAME:OPTS: bad options in Podman's words" {
    net netaudit-f 66
    local cases=(
        "x|unknown bridge network option: x"
        "foo=bar|unknown bridge network option: foo"
        "ip=abc|invalid ip address \"abc\""
    )
    local c
    for c in "${cases[@]}"; do
        run_pod 125 create --network "netaudit-f:${c%%|*}" busybox true
        is "$output" "Error: invalid option for network netaudit-f: ${c#*|}" "netaudit-f:${c%%|*}"
    done
}
