#!/usr/bin/env bats
# 089-top-stats-update: podman top (descriptors and the ps fallback),
# podman stats, podman update.

load helpers
load ctr-helpers

setup() {
    basic_setup
    add_busybox_image
}

teardown() {
    "$PODUTILS_BIN/pod-rm" -af -t 0 >/dev/null 2>&1 || true
    basic_teardown
}

@test "top: the container's processes, not the host's" {
    run_pod run -d --name topc busybox sh -c 'sleep 1000 & exec sleep 2000'
    sleep 0.5
    run_pod top topc
    # tabwriter pads ELAPSED to its widest value, whose length varies
    assert "${lines[0]}" =~ "^USER        PID         PPID        %CPU        ELAPSED +TTY         TIME        COMMAND$" "Podman's default header"
    is "${#lines[@]}" "3" "two processes"
    assert "${lines[1]}" =~ "^root +1 +0 +[0-9.]+ +[0-9.]+(ms|s) +\? +0s +sleep 2000 $" "pid 1"
    assert "${lines[2]}" =~ "^root +[0-9]+ +1 +[0-9.]+ +[0-9.]+(ms|s) +\? +0s +sleep 1000 $" "its child"

    run_pod top topc pid comm hpid user,group
    is "${lines[0]}" "PID         COMMAND     HPID        USER        GROUP" "chosen descriptors"
    local hpid
    hpid=$(awk 'NR==2 {print $3}' <<<"$output")
    run_pod inspect topc --format '{{.State.Pid}}'
    is "$hpid" "$output" "hpid is the host pid"
    run_pod top topc %p %c
    is "${lines[0]}" "PID         COMMAND" "AIX aliases"
    run_pod top topc capeff seccomp
    assert "${lines[1]}" =~ "^CHOWN,DAC_OVERRIDE,.*SYS_CHROOT +filter$" "caps and seccomp"

    # not descriptors: the container's ps runs in its pid namespace
    run_pod top topc -o pid,comm
    is "${lines[0]}" "PID   COMMAND" "ps header"
    assert "$output" =~ "1 sleep" "ps sees the container's pid 1"
    assert "$output" !~ "pod-monitor|bats" "and not the host's processes"

    run_tool pod-top topc pid comm
    is "$(jq -r 'select(.PID == "1") | .COMMAND' <<<"$output")" "sleep" "records"

    run_pod stop -t 0 topc
    run_pod 125 top topc
    is "$output" "Error: top can only be used on running containers" "stopped"
}

@test "stats: memory moves when the container allocates; PIDs; formats" {
    run_pod run -d --name statc busybox sh -c 'sleep 1.5; head -c 40m /dev/zero > /dev/shm/fill; sleep 1000'
    run_pod run -d --name statd busybox sleep 1000
    run_pod create --name statoff busybox true

    run_pod stats --no-stream --format '{{.Name}} {{.PIDs}}'
    is "$(sort <<<"$output")" "statc 2
statd 1" "running containers only, with PIDs"
    run_pod stats --no-stream --format '{{.ID}}'
    is "$output" "$(sort <<<"$output")" "sorted by ID"
    local before
    run_tool pod-stats --no-stream statc
    before=$(jq -r .MemUsageRaw <<<"$output")
    local after=$before i
    for i in $(seq 40); do
        run_tool pod-stats --no-stream statc
        after=$(jq -r .MemUsageRaw <<<"$output")
        (( after - before > 35000000 )) && break
        sleep 0.25
    done
    assert "$(( after - before ))" -gt 35000000 "40 MB in /dev/shm shows in MEM USAGE"

    run_pod stats --no-stream statc
    assert "${lines[0]}" =~ "^ID            NAME        CPU %       MEM USAGE / LIMIT  MEM %       NET IO +BLOCK IO +PIDS +CPU TIME +AVG CPU %$" "Podman's header"
    assert "${lines[1]}" =~ "^[0-9a-f]{12}  statc +[0-9.]+% +4[0-9.]+MB / [0-9.]+[kMGT]B +[0-9.]+% +[0-9.]+k?B / [0-9.]+k?B +[0-9.]+[kM]?B / [0-9.]+[kM]?B +1 +[0-9.]+(ms|s) +[0-9.]+%$" "row"

    run_pod stats --no-stream --format json statd
    is "$(jq -r '.[0].name' <<<"$output")" "statd" "json name"
    is "$(jq -r '.[0] | keys_unsorted | join(",")' <<<"$output")" \
        "id,name,cpu_time,cpu_percent,avg_cpu,mem_usage,mem_percent,net_io,block_io,pids" "json keys"
    is "$(jq -r '.[0].pids' <<<"$output")" "1" "json pids"

    run_pod stats --no-stream -a --format '{{.Name}} {{.CPUPerc}}'
    assert "$output" =~ "statoff 0.00%" "-a shows a stopped container, with zeros"
    run_pod stats --no-stream statoff --format '{{.MemUsage}} {{.PIDs}} {{.UpTime}}'
    is "$output" "0B / 0B 0 0s" "a stopped container by name"
    run_pod 125 stats --no-stream nosuch
    is "$output" "Error: unable to get list of containers: unable to look up container nosuch: no container with name or ID \"nosuch\" found: no such container" "missing"
    run_pod stats --no-stream --format 'table {{.Name}} {{.PIDs}}' statd
    is "$output" "NAME        PIDS
statd       1" "table template"

    # streaming: a table per interval
    run timeout 2.5 "$PODMAN" stats -i 1 --no-reset --format '{{.Name}}' statd
    assert "$(grep -c statd <<<"$output")" -ge 2 "a new sample every interval"
    run timeout 1.5 "$PODMAN" stats -i 1 --format '{{.Name}}' statd
    assert "$output" =~ $'^\e\[2J\e\[1;1Hstatd' "without --no-reset the screen is cleared first"
    run_pod 125 stats --no-stream -i 0
    is "$output" "Error: invalid interval, must be a positive number greater zero" "bad interval"
}

# a file of the container's cgroup: v1 CONTROLLER/FILE, else the v2 FILE2
cg_read() {
    local id=$1 ctl=$2 file=$3 file2=$4 path
    path=$("$PODMAN" inspect "$id" --format '{{.State.CgroupPath}}' 2>/dev/null)
    [[ -n "$path" && "$path" != "<no value>" ]] || path=/libpod_parent/libpod-$id
    if [[ -d /sys/fs/cgroup/$ctl ]]; then
        cat "/sys/fs/cgroup/$ctl$path/$file"
    else
        cat "/sys/fs/cgroup$path/$file2"
    fi
}

@test "update: live cgroup limits, kept for inspect and the next start" {
    run_pod run -d --name upc --memory 128m busybox sleep 1000
    local id=$output
    is "$(cg_read "$id" memory memory.limit_in_bytes memory.max)" "134217728" "created with 128m"

    run_pod update --memory 64m --cpus 0.5 --pids-limit 100 --cpu-shares 512 upc
    is "$output" "$id" "update prints the ID"
    is "$(cg_read "$id" memory memory.limit_in_bytes memory.max)" "67108864" "memory limit, live"
    is "$(cg_read "$id" pids pids.max pids.max)" "100" "pids limit, live"
    if [[ -d /sys/fs/cgroup/cpu ]]; then
        is "$(cg_read "$id" cpu cpu.cfs_quota_us cpu.max)" "50000" "cpu quota, live"
        is "$(cg_read "$id" cpu cpu.shares cpu.weight)" "512" "cpu shares, live"
    fi
    run_pod inspect upc --format '{{.HostConfig.Memory}} {{.HostConfig.NanoCpus}} {{.HostConfig.CpuShares}} {{.HostConfig.CpuQuota}} {{.HostConfig.CpuPeriod}} {{.HostConfig.PidsLimit}}'
    is "$output" "67108864 500000000 512 50000 100000 100" "inspect shows the new limits"

    run_pod stats --no-stream --format '{{.MemUsage}}' upc
    assert "$output" =~ " / 67.11MB$" "stats sees the new limit"

    # stopped: persisted, applied by the next start
    run_pod stop -t 0 upc
    run_pod update --memory 32m upc
    run_pod start upc
    is "$(cg_read "$id" memory memory.limit_in_bytes memory.max)" "33554432" "next start applies it"

    run_pod events --stream=false --filter event=update --format '{{.Name}}'
    is "$(echo $output)" "upc upc" "update events"

    run_pod 125 update --memory 2m upc
    is "$output" "Error: minimum memory limit allowed is 6MB" "too small"
    run_pod 125 update --memory 64m --memory-swap 32m upc
    is "$output" "Error: must be greater than or equal to memory" "swap below memory"
    run_pod 125 update --cpus 1 --cpu-quota 1000 upc
    is "$output" "Error: --cpu-period and --cpu-quota cannot be used with --cpus" "cpus vs quota"
    run_pod 125 update
    is "$output" "Error: accepts 1 arg(s), received 0" "no container"
    run_pod 125 update --memory 64m nosuch
    is "$output" "Error: no container with name or ID \"nosuch\" found: no such container" "missing"
}
