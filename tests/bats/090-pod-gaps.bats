#!/usr/bin/env bats
# 090-pod-gaps: pods, continued: the shared /etc/hosts follows its members
# (a member that stops or is removed leaves it), pod-wide security and
# device settings, and pod stats' CPU between two samples. Pods here use
# the network podgaps41 (bridge podgaps41br, 10.89.41.0/24) or none.

load helpers
load ctr-helpers

setup_file() {
    [ "$(id -u)" = 0 ] || skip "needs root"
    command -v nft >/dev/null && command -v ip >/dev/null || skip "needs nft and ip"
}

setup() {
    basic_setup
    add_busybox_image
    PODS=()
    VETHS=()
}

veths_of() {
    sqlite3 -cmd ".timeout 10000" "$POD_ROOT/db.sqlite" \
        "SELECT json_extract(data, '\$.host_veth') FROM net_endpoints WHERE container_id = '$1'"
}

net41() {
    run_pod network create --subnet 10.89.41.0/24 --interface-name podgaps41br podgaps41
}

# remembers a pod's ID and its infra's veths for the leak check
track_pod() {
    local id infra
    id=$("$PODMAN" pod inspect --format '{{.Id}}' "$1")
    infra=$("$PODMAN" pod inspect --format '{{.InfraContainerID}}' "$1")
    PODS+=("$id")
    # shellcheck disable=SC2207
    VETHS+=($(veths_of "$infra"))
}

teardown() {
    local v id
    "$PODMAN" pod rm -a -f -t 0 >/dev/null 2>&1 || true
    "$PODMAN" rm -a -f -t 0 >/dev/null 2>&1 || true
    "$PODMAN" network rm -f podgaps41 >/dev/null 2>&1 || true
    for v in "${VETHS[@]}"; do
        run ip link show "$v"
        assert "$status" -ne 0 "veth $v is gone"
    done
    for id in "${PODS[@]}"; do
        run find /sys/fs/cgroup -maxdepth 3 -type d -name "$id"
        is "$output" "" "no cgroup of pod $id"
    done
    ctr_leak_check
    basic_teardown
}

# the members' 127.0.0.1 lines of the shared /etc/hosts, as a running member sees them
member_lines() {
    run_pod exec keeper cat /etc/hosts
    HOSTS=$output
    MEMBERS=$(grep -P '^127\.0\.0\.1\t' <<<"$output" | cut -f2 | grep -xE 'keeper|m1|once|c[0-9]' | sort | tr '\n' ' ')
}

@test "the pod's /etc/hosts: a member that stops or is removed leaves it, in running members too" {
    net41
    run_pod pod create --name pg41 --network podgaps41
    track_pod pg41
    run_pod run -d --pod pg41 --name keeper busybox sleep 1000
    run_pod run -d --pod pg41 --name m1 busybox sleep 1000
    member_lines
    is "$MEMBERS" "keeper m1 " "keeper sees m1 once it runs"
    assert "$HOSTS" =~ "pg41" "the pod's own entry"
    pod_entry=$(grep pg41 <<<"$HOSTS")

    run_pod stop -t 0 m1
    member_lines
    is "$MEMBERS" "keeper " "a stopped member leaves the hosts file"
    run_pod start m1
    member_lines
    is "$MEMBERS" "keeper m1 " "and comes back when it starts"
    run_pod rm -f -t 0 m1
    member_lines
    is "$MEMBERS" "keeper " "rm -f of a running member drops its line"

    run_pod run --rm --pod pg41 --name once busybox \
        sh -c 'grep -cx "$(printf "127.0.0.1\tonce")" /etc/hosts'
    is "$output" "1" "a --rm member is in the file while it runs"
    member_lines
    is "$MEMBERS" "keeper " "and gone once it is removed"

    # members started and removed at once lose none of each other's edits
    for i in 1 2 3 4 5 6; do
        "$PODMAN" run -d --pod pg41 --name "c$i" busybox sleep 1000 >"$PODUTILS_TMP/run$i" 2>&1 &
    done
    wait
    member_lines
    is "$MEMBERS" "c1 c2 c3 c4 c5 c6 keeper " "six concurrent starts, six lines"
    for i in 1 3 5; do
        "$PODMAN" rm -f -t 0 "c$i" >"$PODUTILS_TMP/rm$i" 2>&1 &
    done
    wait
    member_lines
    is "$MEMBERS" "c2 c4 c6 keeper " "three concurrent removals, three lines gone, no other"
    is "$(grep pg41 <<<"$HOSTS")" "$pod_entry" "the pod's own line stays"
    run grep -c . <<<"$HOSTS"
    nlines=$output

    # pod rm removes the members first, each leaving the file
    run_pod pod stop -t 0 pg41
    run_pod pod start pg41
    member_lines
    is "$MEMBERS" "c2 c4 c6 keeper " "pod stop and start: the same members, once each"
    run grep -c . <<<"$HOSTS"
    is "$output" "$nlines" "no line doubled"
    run_pod pod rm -f -t 0 pg41
    run_pod ps -a -q
    is "$output" "" "pod rm -f leaves no containers"
}
