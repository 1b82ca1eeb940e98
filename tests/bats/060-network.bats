#!/usr/bin/env bats
# 060-network: `podman network` definitions, as Podman 4.3 prints them.
# Nothing here touches the host network: network definitions only live in
# the test's own store until a container joins (061-network-traffic).

load helpers

setup() {
    basic_setup
    N=podutils-test-$RANDOM$RANDOM
}

@test "network ls: the default network exists implicitly" {
    run_pod network ls
    is "${lines[0]}" "NETWORK ID    NAME        DRIVER" "header"
    is "${lines[1]}" "2f259bab93aa  podman      bridge" "default network"
    is "${#lines[@]}" 2 "one network"
    run_pod network ls --noheading --no-trunc
    is "$output" "2f259bab93aaaaa2542ba43ef33eb990d0999ee1b9924b557b7be53c0b7a1bb9  podman      bridge"
    run_pod network ls -q
    is "$output" "podman"
}

@test "network inspect podman: Podman 4's JSON with five-space indentation" {
    run_pod network inspect podman
    is "${lines[0]}" "[" "opens an array"
    is "${lines[1]}" "     {" "five spaces"
    is "${lines[2]}" '          "name": "podman",' "name first"
    run jq -c '.[0] | [.name, .id, .driver, .network_interface, .subnets, .ipv6_enabled,
        .internal, .dns_enabled, .ipam_options, (keys_unsorted | join(","))]' <<< "$output"
    is "$output" '["podman","2f259bab93aaaaa2542ba43ef33eb990d0999ee1b9924b557b7be53c0b7a1bb9","bridge","podman0",[{"subnet":"10.88.0.0/16","gateway":"10.88.0.1"}],false,false,false,{"driver":"host-local"},"name,id,driver,network_interface,created,subnets,ipv6_enabled,internal,dns_enabled,ipam_options"]'
    run_pod network inspect --format '{{.Name}} {{.NetworkInterface}} {{.DNSEnabled}}' podman
    is "$output" "podman podman0 false"
}

@test "network create: name, next bridge and subnet, inspect fields" {
    run_pod network create $N
    is "$output" "$N" "prints the name"
    run_pod network inspect $N
    run jq -r '.[0] | [.driver, .network_interface, .subnets[0].subnet, .subnets[0].gateway,
        .dns_enabled, .internal, .ipv6_enabled, (.created | test("^[0-9-]+T[0-9:.]+(Z|[+-][0-9:]+)$"))] | @tsv' <<< "$output"
    assert "$output" =~ $'^bridge\tpodman[1-9][0-9]*\t10\\.(89|9[0-9]|1[0-9][0-9])\\.[0-9]+\\.0/24\t10\\.[0-9.]+\\.1\ttrue\tfalse\tfalse\ttrue$' "defaults"
    run_pod network exists $N
    run_pod 1 network exists nosuch-$N

    run_pod 125 network create $N
    is "$output" "Error: network name $N already used: network already exists"
    run_pod network create --ignore $N
    is "$output" "$N" "--ignore"
}

@test "network create: options, labels, internal, ip-range" {
    run_pod network create --subnet 10.213.7.5/24 --ip-range 10.213.7.128/25 \
        --label a=b --label c -o mtu=1400 --internal --disable-dns $N
    run_pod network inspect $N
    run jq -c '.[0] | [.subnets, .internal, .dns_enabled, .labels, .options]' <<< "$output"
    is "$output" '[[{"subnet":"10.213.7.0/24","gateway":"10.213.7.1","lease_range":{"start_ip":"10.213.7.129","end_ip":"10.213.7.255"}}],true,false,{"a":"b","c":""},{"mtu":"1400"}]'
    run_pod 125 network create --subnet 10.213.7.0/24 $N-2
    is "$output" "Error: subnet 10.213.7.0/24 is already used on the host or by another config"
    run_pod network create --subnet 10.213.8.0/24 --gateway 10.213.8.254 --interface-name pdt$RANDOM $N-3
    run_pod network inspect --format '{{range .Subnets}}{{.Gateway}}{{end}}' $N-3
    is "$output" "10.213.8.254"
}

@test "network create --ipv6 adds a ULA /64" {
    run_pod network create --ipv6 $N
    run_pod network inspect $N
    run jq -r '.[0] | [.ipv6_enabled, (.subnets | length), .subnets[1].subnet, .subnets[1].gateway] | @tsv' <<< "$output"
    assert "$output" =~ $'^true\t2\tfd[0-9a-f]{2}:[0-9a-f:]+::/64\tfd[0-9a-f:]+::1$' "v6 subnet"
}

@test "network create: errors in Podman's words" {
    local -a cases=(
        "bad/name|network name bad/name invalid: names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*: invalid argument"
        "--driver foo x1|unsupported driver foo: invalid argument"
        "--driver macvlan x1|macvlan driver needs at least one subnet specified, DHCP is not yet supported with netavark"
        "-o foo=bar x1|unsupported bridge network option foo"
        "-o mtu=abc x1|strconv.Atoi: parsing \"abc\": invalid syntax"
        "--gateway 10.1.1.1 x1|cannot set gateway or range without subnet"
        "--subnet 10.214.0.0/24 --gateway 10.215.0.1 x1|gateway 10.215.0.1 not in subnet 10.214.0.0/24"
        "--subnet 10.214.0.0/24 --ip-range 10.216.0.0/25 x1|lease range start ip 10.216.0.1 not in subnet 10.214.0.0/24"
        "--subnet nonsense x1|invalid CIDR address: nonsense"
    )
    local c args msg
    for c in "${cases[@]}"; do
        args=${c%%|*}; msg=${c#*|}
        # shellcheck disable=SC2086
        run_pod 125 network create $args
        is "$output" "Error: $msg" "network create $args"
    done
    run_pod network ls -q
    is "$output" "podman" "nothing was created"
}

@test "network ls: filters, formats" {
    run_pod network create --label team=red $N-a
    run_pod network create $N-b
    run_pod network ls --filter name=$N -q
    is "$output" "$N-a"$'\n'"$N-b" "name filter"
    run_pod network ls --filter label=team=red --format '{{.Name}}'
    is "$output" "$N-a" "label filter"
    run_pod network ls --filter name=$N --filter label!=team=red -q
    is "$output" "$N-b" "negated label"
    run_pod network ls --filter driver=bridge --filter dangling=true -q
    is "$output" "$N-a"$'\n'"$N-b" "dangling leaves the default out"
    id=$(jq -r '.[0].id' <<< "$("$PODMAN" network inspect $N-b)")
    run_pod network ls --filter id=${id:0:10} -q
    is "$output" "$N-b" "id prefix"
    run_pod 125 network ls --filter bogus=1
    is "$output" 'Error: invalid filter "bogus"'
    run_pod network ls --format json --filter name=$N-a
    is "${lines[1]}" "  {" "two-space indentation"
    run jq -r '.[0].name' <<< "$output"
    is "$output" "$N-a"
    run_pod network ls --format 'table {{.Name}}\t{{.Labels}}' --filter name=$N-a
    assert "${lines[0]}" =~ "^NAME +LABELS$" "table header"
    assert "${lines[1]}" =~ "^$N-a +team=red$" "labels column"
}

@test "network rm, prune, exit codes" {
    run_pod network create $N-a
    run_pod network create --label keep=1 $N-b
    run_pod network create $N-c
    run_pod network rm $N-a
    is "$output" "$N-a"
    run_pod 1 network rm nosuch-$N
    is "$output" "Error: unable to find network with name or ID nosuch-$N: network not found"
    run_pod 125 network rm podman
    is "$output" "Error: default network podman cannot be removed"
    run_pod network prune -f --filter label=keep=1
    is "$output" "$N-b" "prune with a filter"
    run_pod network prune -f
    is "$output" "$N-c" "prune the rest"
    run_pod network ls -q
    is "$output" "podman" "only the default is left"
    run_pod 125 network inspect $N-a
    is "${lines[0]}" "[]"
    is "${lines[1]}" "Error: inspecting object: network $N-a: unable to find network with name or ID $N-a: network not found"
}

@test "network reload, connect, disconnect need containers" {
    run_pod 125 network reload
    is "$output" "Error: you must provide at least one name or id"
    run_pod network reload --all
    is "$output" "" "nothing to reload"
    run_pod 125 network reload nosuch
    is "$output" 'Error: no container with name or ID "nosuch" found: no such container'
    run_pod 125 network connect podman nosuch
    is "$output" 'Error: no container with name or ID "nosuch" found: no such container'
    run_pod 125 network disconnect podman nosuch
    is "$output" 'Error: no container with name or ID "nosuch" found: no such container'
}

@test "pod-network prints records for pipelines" {
    run_tool pod-network create $N
    run jq -r '.Type + " " + .name' <<< "$output"
    is "$output" "network $N"
    run_tool pod-network ls
    run jq -rs 'map(.name) | join(",")' <<< "$output"
    is "$output" "podman,$N"
    # names on stdin are targets
    run bash -c "echo $N | '$PODUTILS_BIN/pod-network' rm"
    is "$status" 0
    run jq -r .name <<< "$output"
    is "$output" "$N"
}
