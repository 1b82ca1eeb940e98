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

net41() {
    run_pod network create --subnet 10.89.41.0/24 --interface-name podgaps41br podgaps41
}

teardown() {
    "$PODMAN" pod rm -a -f -t 0 >/dev/null 2>&1 || true
    "$PODMAN" rm -a -f -t 0 >/dev/null 2>&1 || true
    "$PODMAN" network rm -f podgaps41 >/dev/null 2>&1 || true
    assert_pods_gone
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

@test "pod create --sysctl, --security-opt, --device take effect in the infra and its members" {
    run_pod pod create --name pg42 --network none --sysctl kernel.msgmax=12345 \
        --sysctl net.ipv4.tcp_syncookies=0 --security-opt no-new-privileges \
        --security-opt seccomp=unconfined --device /dev/zero:/dev/podzero --device /dev/net \
        --device /dev/loop-control:/dev/podloop:r
    track_pod pg42
    run_pod run -d --pod pg42 --name m42 busybox sleep 1000
    # sysctls of the infra's namespaces, seen by the member sharing them
    run_pod exec m42 cat /proc/sys/kernel/msgmax /proc/sys/net/ipv4/tcp_syncookies
    is "$output" "12345
0" "the pod's ipc and net sysctls, inside a member"
    # the security options are the infra's, as in Podman
    infra=$("$PODMAN" pod inspect --format '{{.InfraContainerID}}' pg42)
    ipid=$("$PODMAN" inspect --format '{{.State.Pid}}' "$infra")
    run grep -E '^(NoNewPrivs|Seccomp):' /proc/"$ipid"/status
    is "$output" "NoNewPrivs:	1
Seccomp:	0" "the infra runs with no_new_privs and without seccomp"
    run_pod exec m42 grep -E '^(NoNewPrivs|Seccomp):' /proc/self/status
    is "$output" "NoNewPrivs:	0
Seccomp:	2" "a member keeps its own defaults"
    run_pod pod inspect --format '{{json .security_opt}}' pg42
    is "$output" '["no-new-privileges","seccomp=unconfined"]' "pod inspect security_opt"
    # the devices, in the infra and in every member
    run_pod exec m42 sh -c 'stat -c "%t:%T %F" /dev/podzero /dev/net/tun; head -c 4 /dev/podzero | od -An -tx1'
    is "$output" "1:5 character special file
a:c8 character special file
 00 00 00 00" "member: /dev/podzero is /dev/zero, /dev/net/tun from the directory"
    # :r lets the device be opened for reading only (the cgroup's rule)
    run_pod exec m42 sh -c ': < /dev/podloop'
    run_pod '?' exec m42 sh -c ': > /dev/podloop'
    assert "$status" -ne 0 "--device ...:r forbids opening for writing"
    assert "$output" =~ "Operation not permitted" "the cgroup denies it"
    run_pod inspect --format '{{json .HostConfig.Devices}}' m42
    run jq -c '.[0]' <<<"$output"
    is "$output" '{"PathOnHost":"/dev/zero","PathInContainer":"/dev/podzero","CgroupPermissions":""}' \
        "inspect shows the member's devices, in Podman's shape"
    run_pod run --rm --pod pg42 busybox test -c /dev/podzero
    run_pod '?' run --rm busybox test -c /dev/podzero
    assert "$status" -ne 0 "a container outside the pod has no such device"
    run_pod pod rm -f -t 0 pg42
}

@test "pod create: bad --sysctl, --device, --security-opt values; --userns is refused" {
    local cases=(
        "--sysctl foo|foo is invalid, sysctl values must be in the form of KEY=VALUE"
        "--sysctl vm.swappiness=1|sysctl 'vm.swappiness' is not allowed"
        "--device /dev/nope|stat /dev/nope: no such file or directory"
        "--device /dev/zero:/x:rwz|invalid device mode: rwz"
        "--device /dev/zero:rel|invalid device mode: rel"
        "--device /dev/zero:/a:r:x|invalid device specification: /dev/zero:/a:r:x"
        "--device /etc/passwd|/etc/passwd is not a valid device: not a device node"
        "--security-opt bogus|invalid --security-opt 1: \"bogus\""
        "--device-read-bps /dev/loop0|bad format: /dev/loop0"
        "--device-write-bps /dev/nope:1mb|could not parse throttle device at /dev/nope: no such file or directory"
        "--userns auto|--userns is not supported for pods: podutils does not run containers in a user namespace"
        "--uidmap 0:100000:65536|--uidmap is not supported for pods: podutils does not run containers in a user namespace"
        "--gidmap 0:100000:65536|--gidmap is not supported for pods: podutils does not run containers in a user namespace"
        "--subuidname foo|--subuidname is not supported for pods: podutils does not run containers in a user namespace"
    )
    for c in "${cases[@]}"; do
        # shellcheck disable=SC2086
        run_pod 125 pod create --network none ${c%%|*}
        is "$output" "Error: ${c#*|}" "pod create ${c%%|*}"
    done
    run_pod pod ps -q
    is "$output" "" "no pod was created"
}

@test "pod stats: CPU % over each container's life, as Podman 4.3; '-- / --' for no I/O; headers" {
    run_pod pod create --name pg43 --network none
    track_pod pg43
    run_pod run -d --pod pg43 --name busy busybox \
        sh -c 'timeout 2 sh -c "while :; do :; done"; sleep 1000'
    sleep 3
    # Podman's pod stats passes no previous sample: CPU % is the container's
    # CPU time over its run time, so a loop that has ended still shows
    run_pod pod stats --no-stream --format '{{.Name}}|{{.CPU}}|{{.NetIO}}' pg43
    is "${lines[0]}" "NAME|CPU %|NET IO" "a template without table is headed too, as in Podman"
    busy=$(grep '^busy|' <<<"$output")
    cpu=${busy#busy|}
    cpu=${cpu%%.*}
    assert "$cpu" -ge 3 "the busy loop's share of the member's life ($busy)"
    assert "${busy##*|}" == "-- / --" "no network: NET IO is -- / --"
    run_pod pod stats --no-stream --format json pg43
    run jq -r '.[] | select(.Name == "busy") | .NetIO' <<<"$output"
    is "$output" "-- / --" "the same in JSON"
    run_pod pod rm -f -t 0 pg43
}

@test "pod create --ip, --mac-address, --network-alias, -h belong to the pod's infra" {
    net41
    run_pod pod create --name pg44 --network podgaps41 --ip 10.89.41.77 \
        --mac-address 92:d0:c6:0a:29:41 --network-alias pgalias -h pghost
    track_pod pg44
    run_pod run -d --pod pg44 --name m44 busybox sleep 1000
    # shellcheck disable=SC2207
    VETHS+=($(veths_of "$("$PODMAN" pod inspect --format '{{.InfraContainerID}}' pg44)"))
    run_pod exec m44 sh -c 'ip -4 -o addr show eth0 | awk "{print \$4}"; cat /sys/class/net/eth0/address; hostname'
    is "$output" "10.89.41.77/24
92:d0:c6:0a:29:41
pghost" "a member has the pod's address, MAC and hostname"
    run_pod pod inspect --format '{{.InfraConfig.StaticIP}} {{.InfraConfig.StaticMAC}} {{.Hostname}}' pg44
    is "$output" "10.89.41.77 92:d0:c6:0a:29:41 pghost" "pod inspect"
    # the alias resolves on the network, to the pod's address
    run_pod run --rm --network podgaps41 busybox nslookup pgalias
    assert "$output" =~ "10.89.41.77" "the network alias names the pod"
    run_pod pod rm -f -t 0 pg44

    run_pod 125 pod create --infra=false --ip 10.89.41.78
    is "$output" "Error: cannot set --ip without infra container: invalid argument"
    run_pod 125 pod create --infra=false --network-alias x
    is "$output" "Error: cannot set --network-alias without infra container: invalid argument"
    run_pod 125 pod create --infra=false -p 8080:80
    is "$output" "Error: you must have an infra container to publish port bindings to the host"
    run_pod 125 pod create --network none --ip 10.1.1.1
    is "$output" "Error: --ip can only be set when the network mode is bridge: invalid argument"
}

@test "pod create --cpu-shares, --cpuset-*, --memory-swap, --blkio-weight, --device-*-bps limit the pod's cgroup" {
    local dev
    dev=$(stat -L -c '%t:%T' /dev/loop0)
    run_pod pod create --name pg45 --network none --cpu-shares 512 --cpuset-cpus 0 \
        --cpuset-mems 0 --memory 20m --memory-swap 40m --blkio-weight 300 \
        --device-read-bps /dev/loop0:1mb --device-write-bps /dev/loop0:2kb
    local id=$output
    track_pod pg45
    run_pod run -d --pod pg45 --name m45 busybox sleep 1000
    # inside a member: only CPU 0 is allowed, the pod's cpuset
    run_pod exec m45 grep Cpus_allowed_list /proc/self/status
    is "$output" "Cpus_allowed_list:	0" "the member runs on the pod's CPUs"
    cg() { cat "$(find "/sys/fs/cgroup/$1" -maxdepth 3 -type d -name "$id" | head -1)/$2"; }
    is "$(cg cpu cpu.shares)" "512" "cpu shares"
    is "$(cg cpuset cpuset.cpus)" "0" "cpuset cpus"
    is "$(cg cpuset cpuset.mems)" "0" "cpuset mems"
    is "$(cg memory memory.memsw.limit_in_bytes)" "41943040" "memory plus swap"
    if [[ -e "$(find /sys/fs/cgroup/blkio -maxdepth 3 -type d -name "$id" | head -1)/blkio.bfq.weight" ]]; then
        is "$(cg blkio blkio.bfq.weight)" "300" "blkio weight"
    else
        is "$(cg blkio blkio.weight)" "300" "blkio weight"
    fi
    dev="$((16#${dev%:*})):$((16#${dev#*:}))"
    is "$(cg blkio blkio.throttle.read_bps_device)" "$dev 1048576" "read bps"
    is "$(cg blkio blkio.throttle.write_bps_device)" "$dev 2048" "write bps"
    run_pod pod inspect --format '{{.CPUShares}} {{.CPUSetCPUs}} {{.CPUSetMems}} {{.MemoryLimit}} {{.MemorySwap}} {{.BlkioWeight}}' pg45
    is "$output" "512 0 0 20971520 41943040 300" "pod inspect, Podman's field names"
    run_pod pod inspect pg45
    run jq -c '[.cpu_shares, .cpuset_cpus, .cpuset_mems, .memory_limit, .memory_swap, .blkio_weight]' <<<"$output"
    is "$output" '[512,"0","0",20971520,41943040,300]' "pod inspect, Podman's JSON keys"
    run_pod pod rm -f -t 0 pg45
}

@test "pod create --uts host --pid host: the infra's namespaces, joined by members that share them" {
    run_pod pod create --name pg46 --network none --uts host --pid host --share +pid
    track_pod pg46
    run_pod run -d --pod pg46 --name m46 busybox sleep 1000
    mpid=$("$PODMAN" inspect --format '{{.State.Pid}}' m46)
    for t in pid uts; do
        is "$(stat -L -c %i /proc/$mpid/ns/$t)" "$(stat -L -c %i /proc/$$/ns/$t)" "the host's $t namespace"
    done
    run_pod exec m46 hostname
    is "$output" "$(hostname)" "the host's name"
    run_pod pod inspect --format '{{.InfraConfig.PidNS}} {{.InfraConfig.UtsNS}}' pg46
    is "$output" "host host" "pod inspect"
    run_pod pod rm -f -t 0 pg46
    run_pod 125 pod create --pid bogus
    is "$output" "Error: unrecognized namespace mode bogus passed"
}

@test "pod create --share-parent=false: no pod cgroup, members in the parent" {
    run_pod pod create --name pg47 --network none --share-parent=false --memory 20m
    local id=$output
    track_pod pg47
    run_pod run -d --pod pg47 --name m47 busybox sleep 1000
    run_pod exec m47 grep -E '^[0-9]+:memory:' /proc/self/cgroup
    assert "$output" =~ ":memory:/libpod_parent/libpod-[0-9a-f]{64}$" "the member is right below the parent"
    run find /sys/fs/cgroup/memory -maxdepth 3 -type d -name "$id"
    is "$output" "" "no cgroup of the pod"
    run_pod pod inspect --format '{{.CreateCgroup}} {{.CgroupParent}} {{.CgroupPath}}' pg47
    is "$output" "false /libpod_parent <no value>" "pod inspect, as Podman"
    run_pod pod rm -f -t 0 pg47
}

@test "pod clone takes the new create flags: --sysctl, --cpu-shares, --security-opt, --uts" {
    run_pod pod create --name pg48 --network none --sysctl kernel.msgmax=1111
    track_pod pg48
    run_pod create --pod pg48 --name m48 busybox sleep 1000
    run_pod pod clone --sysctl kernel.msgmax=2222 --cpu-shares 256 \
        --security-opt no-new-privileges --uts host --start pg48
    local id=$output
    track_pod pg48-clone
    run_pod exec m48-clone cat /proc/sys/kernel/msgmax
    is "$output" "2222" "the clone's sysctl, inside its member"
    run_pod exec m48-clone hostname
    is "$output" "$(hostname)" "the clone's UTS namespace is the host's"
    is "$(cat "$(find /sys/fs/cgroup/cpu -maxdepth 3 -type d -name "$id" | head -1)/cpu.shares")" "256" \
        "the clone's cgroup"
    run_pod pod inspect pg48-clone
    run jq -c '[.cpu_shares, .security_opt]' <<<"$output"
    is "$output" '[256,["no-new-privileges"]]' "pod inspect of the clone"
    run_pod 125 pod clone --userns auto pg48
    is "$output" "Error: --userns is not supported for pods: podutils does not run containers in a user namespace"
    run_pod pod rm -f -t 0 pg48-clone
    run_pod pod rm -f -t 0 pg48
}

@test "pod members share the infra's /dev/shm (POSIX shared memory), across an infra restart; nothing left" {
    run_pod pod create --name pg50 --network none
    track_pod pg50
    run_pod run -d --pod pg50 --name s1 busybox sleep 1000
    run_pod run -d --pod pg50 --name s2 busybox sleep 1000
    run_pod exec s1 sh -c 'echo hello > /dev/shm/seg'
    run_pod exec s2 cat /dev/shm/seg
    is "$output" "hello" "a member sees the other's shared memory"
    run_pod exec s2 sh -c 'grep " /dev/shm " /proc/mounts | cut -d" " -f3'
    is "$output" "tmpfs" "/dev/shm is a tmpfs"
    infra=$("$PODMAN" pod inspect --format '{{.InfraContainerID}}' pg50)
    shm="$POD_RUNROOT/containers/$infra/shm"
    run findmnt -n -o FSTYPE "$shm"
    is "$output" "tmpfs" "the pod's /dev/shm lives on the host side"
    # a container outside the pod keeps its own
    run_pod run --rm --network none busybox ls /dev/shm
    is "$output" "" "a container outside the pod has an empty /dev/shm of its own"
    run_pod pod stop -t 0 pg50
    run findmnt -n "$shm"
    is "$output" "" "the pod's /dev/shm is unmounted when the infra stops"
    run_pod pod start pg50
    run_pod exec s1 sh -c 'echo again > /dev/shm/seg2'
    run_pod exec s2 cat /dev/shm/seg2
    is "$output" "again" "shared again after the restart"
    run_pod pod rm -f -t 0 pg50
    run findmnt -n "$shm"
    is "$output" "" "nothing mounted after pod rm"
}
