#!/usr/bin/env bats
# lib/runtime/cgroup against the real kernel, through tests/helpers/cgtest.c.
# Only cgroups under a unique /podutils-test-PID-RANDOM parent are touched;
# teardown removes that parent whatever happened.

setup_file() {
	[ "$(id -u)" = 0 ] || skip "needs root"
	export CGTEST_DIR="$BATS_FILE_TMPDIR"
	local top="$BATS_TEST_DIRNAME/../.."
	make -C "$top" --no-print-directory build/libpod.a >/dev/null
	# shellcheck disable=SC2046
	cc -std=gnu11 -D_GNU_SOURCE -I"$top/lib" $(pkg-config --cflags jansson) \
		"$top/tests/helpers/cgtest.c" "$top/build/libpod.a" $(pkg-config --libs jansson) \
		-o "$CGTEST_DIR/cgtest"
}

setup() {
	PARENT="/podutils-test-$$-$RANDOM"
}

teardown() {
	"$CGTEST_DIR/cgtest" destroy "$PARENT" >/dev/null 2>&1 || true
	local left
	left=$(ls -d /sys/fs/cgroup/*"$PARENT" 2>/dev/null || true)
	if [ -n "$left" ]; then
		echo "# leaked cgroups: $left" >&3
		return 1
	fi
}

# expect KEY=VALUE among the lines of $output
expect() {
	local line
	for line in "${lines[@]}"; do
		[ "$line" = "$1" ] && return 0
	done
	echo "expected line '$1' in:" >&2
	printf '%s\n' "${lines[@]}" >&2
	return 1
}

@test "cgroup: limits, pids, freeze, stats, kill, destroy" {
	run "$CGTEST_DIR/cgtest" life "$PARENT/ctr"
	echo "$output"
	[ "$status" -eq 0 ]
	if [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ]; then
		expect "memory.max=268435456"
		expect "memory.low=134217728"
		expect "cpu.weight=20"
		expect "cpu.max=50000 100000"
	else
		expect "version=v1"
		expect "memory.limit_in_bytes=268435456"
		expect "memory.soft_limit_in_bytes=134217728"
		expect "cpu.shares=512"
		expect "cpu.cfs_quota_us=50000"
		expect "cpu.cfs_period_us=100000"
		expect "freezer.state=FROZEN"
		# one directory per mounted v1 hierarchy, cpu and cpuacct apart here
		local h
		for h in $(awk '$9 == "cgroup" { print $5 }' /proc/self/mountinfo); do
			expect "dir=$h$PARENT/ctr"
		done
	fi
	expect "pids.max=64"
	expect "pids.max.updated=100"
	expect "pids=1"
	expect "sleeper_listed=1"
	expect "frozen=1"
	expect "thawed=1"
	expect "stats.mem_limit=268435456"
	expect "stats.pids_current=1"
	expect "stats.pids_limit=100"
	expect "stats.oom_kill=0"
	expect "killed_by=9"
	# every hierarchy's directory is gone
	run grep -c '^gone=0' <<<"$output"
	[ "$output" = 0 ]
	local dir
	for dir in /sys/fs/cgroup/*"$PARENT"/ctr /sys/fs/cgroup"$PARENT"/ctr; do
		[ ! -e "$dir" ]
	done
}

@test "cgroup: a process past memory.limit is OOM-killed and counted" {
	run "$CGTEST_DIR/cgtest" oom "$PARENT/oom"
	echo "$output"
	[ "$status" -eq 0 ]
	expect "signal=9"
	expect "oom_before=0"
	expect "oom_after=1"
}

@test "cgroup: a value the kernel rejects names the file and value" {
	run "$CGTEST_DIR/cgtest" bad "$PARENT/bad"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *'writing "999999" to "/sys/fs/cgroup/'*'cpuset.cpus": '* ]]
	# the failed create left no directory behind
	! ls -d /sys/fs/cgroup/*"$PARENT"/bad 2>/dev/null
}

@test "cgroup: eBPF device filter denies what the rules do not allow" {
	local unified=/sys/fs/cgroup
	[ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ] || unified=/sys/fs/cgroup/unified
	[ "$(stat -f -c %T $unified 2>/dev/null)" = cgroup2fs ] || skip "no cgroup2 mount"
	run "$CGTEST_DIR/cgtest" bpf "$unified/podutils-bpf-$$-$RANDOM"
	echo "$output"
	[ "$status" -eq 0 ]
	expect "null=denied"
	expect "zero=allowed"
}

@test "cgroup: the systemd slice form is rejected" {
	run "$CGTEST_DIR/cgtest" life "machine.slice:libpod:abc"
	[ "$status" -eq 1 ]
	[[ "$output" == *'systemd "slice:prefix:name" form'* ]]
}
