#!/usr/bin/env bats
# 090-pod: pods (`podman pod ...`, pod-pod): the infra container and its
# image, members sharing its namespaces (localhost between them, the pod's
# hostname and ports), states, lifecycle, and nothing left behind. Pods
# here use the network pod90 (bridge pod90br, 10.89.90.0/24) or none.

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
    echo "hello pod90" > "$WWW/index.html"
    PODS=()
    VETHS=()
}

net90() {
    run_pod network create --subnet 10.89.90.0/24 --interface-name pod90br pod90
}

free_port() {
    local p
    while :; do
        p=$((RANDOM % 20000 + 40000))
        if ! ss -Hltn "sport = :$p" | grep -q .; then echo "$p"; return; fi
    done
}

assert_nothing_left() {
    assert_pods_gone
    run grep -c " $POD_RUNROOT/netns/" /proc/self/mountinfo
    is "$output" "0" "no netns mount"
}

teardown() {
    "$PODMAN" pod rm -a -f -t 0 >/dev/null 2>&1 || true
    "$PODMAN" rm -a -f -t 0 >/dev/null 2>&1 || true
    "$PODMAN" network rm -f pod90 >/dev/null 2>&1 || true
    assert_nothing_left
    ctr_leak_check
    basic_teardown
}

@test "pod create: the infra container and the local pause image; ps, inspect, exists" {
    run_pod pod create --name p90 --label tier=web --network none
    local id=$output
    assert "$id" =~ "^[0-9a-f]{64}$" "create prints the pod ID"
    run_pod images --format '{{.Repository}}:{{.Tag}}'
    assert "$output" =~ "localhost/podman-pause:" "the infra image was built locally"
    run_pod pod inspect --format '{{.Name}} {{.State}} {{.NumContainers}} {{.SharedNamespaces}} {{.ExitPolicy}} {{.Labels}}' p90
    is "$output" "p90 Created 1 [ipc net uts] continue map[tier:web]" "inspect"
    infra=$("$PODMAN" pod inspect --format '{{.InfraContainerID}}' p90)
    run_pod ps -a --format '{{.ID}} {{.Names}} {{.Image}}'
    assert "$output" =~ "^${infra:0:12} ${id:0:12}-infra localhost/podman-pause:" "infra in ps"
    run_pod pod ps --format '{{.ID}} {{.Name}} {{.Status}} {{.InfraID}} {{.NumberOfContainers}}'
    is "$output" "${id:0:12} p90 Created ${infra:0:12} 1" "pod ps"
    run_pod pod ps
    is "${lines[0]}" "POD ID        NAME        STATUS      CREATED                 INFRA ID      # OF CONTAINERS" "pod ps header"
    run_pod pod ps -q --filter label=tier=web
    is "$output" "${id:0:12}" "filter label"
    run_pod pod ps -q --filter name=nosuch
    is "$output" "" "filter name"
    run_pod create --pod p90 --name member busybox true
    run_pod ps -a --pod --format '{{.Names}} {{.Pod}} {{.PodName}}' --filter pod=p90
    is "$output" "member ${id:0:12} p90
${id:0:12}-infra ${id:0:12} p90" "ps --pod, --filter pod="
    run_pod ps -a --pod
    assert "${lines[0]}" =~ "NAMES +POD ID +PODNAME$" "ps --pod columns"
    run_pod ps -a -q --filter pod=nosuch
    is "$output" "" "no container in pod nosuch"
    run_pod pod exists p90
    run_pod 1 pod exists nosuch
    run_pod 125 pod create --name p90
    is "$output" "Error: adding pod to state: name \"p90\" is in use: pod already exists"
    run_pod pod create --name p90 --replace --network none
    assert "$output" != "$id" "--replace made a new pod"
    run_tool pod-pod ps
    assert "$(jq -r '.Type + " " + .Name + " " + .Status' <<<"$output")" == "pod p90 Created" "pod-pod ps records"
    run_pod 125 pod inspect nosuch
    assert "$output" =~ "Error: inspecting object: no such pod nosuch" "inspect missing"
    run_pod 1 pod rm nosuch
    is "$output" "Error: no pod with name or ID nosuch found: no such pod"
}

@test "two containers of a pod talk over localhost; hostname; stop/start keeps them together" {
    net90
    run_pod pod create --name p90 --network pod90
    track_pod p90
    run_pod run -d --pod p90 --name web -v "$WWW:/www:ro" busybox httpd -f -p 8080 -h /www
    run_pod pod ps --format '{{.Status}} {{.NumberOfContainers}}'
    is "$output" "Running 2" "the infra started with the first member"
    run_pod run --rm --pod p90 busybox sh -c 'timeout 5 wget -q -O- http://localhost:8080/; hostname'
    is "$output" "hello pod90
p90" "localhost between members; the pod's hostname"
    run_pod run --rm --pod p90 busybox timeout 5 wget -q -O- http://web:8080/
    is "$output" "hello pod90" "members reach each other by name"
    # shared ipc, net and uts namespaces with the infra, a pid namespace of its own
    infra=$("$PODMAN" pod inspect --format '{{.InfraContainerID}}' p90)
    ipid=$("$PODMAN" inspect --format '{{.State.Pid}}' "$infra")
    wpid=$("$PODMAN" inspect --format '{{.State.Pid}}' web)
    for t in ipc net uts; do
        is "$(stat -L -c %i /proc/$wpid/ns/$t)" "$(stat -L -c %i /proc/$ipid/ns/$t)" "$t shared"
    done
    assert "$(stat -L -c %i /proc/$wpid/ns/pid)" != "$(stat -L -c %i /proc/$ipid/ns/pid)" "pid not shared"

    run_pod pod stop -t 0 p90
    run_pod ps -a --filter pod=p90 --format '{{.Names}} {{.State}}'
    run_pod pod ps --format '{{.Status}}'
    is "$output" "Exited" "stopped together"
    run_pod pod start p90
    # shellcheck disable=SC2207
    VETHS+=($(veths_of "$infra"))
    run_pod pod ps --format '{{.Status}}'
    is "$output" "Running" "started together"
    run_pod run --rm --pod p90 busybox timeout 5 wget -q -O- http://localhost:8080/
    is "$output" "hello pod90" "web serves again after pod start"
    run_pod pod restart -t 0 p90
    run_pod pod ps --format '{{.Status}} {{.ContainerStatuses}}' --ctr-status
    is "$output" "Running running,running" "restart"
    run_pod pod rm -f -t 0 p90
    run_pod ps -a -q
    is "$output" "" "pod rm -f leaves no containers"
    assert_nothing_left
}

@test "pod -p is published on the infra container and reachable from the host" {
    local port
    port=$(free_port)
    net90
    run_pod pod create --name p90 --network pod90 -p "127.0.0.1:$port:80"
    track_pod p90
    run_pod pod inspect --format '{{json .InfraConfig.PortBindings}}' p90
    is "$output" "{\"80/tcp\":[{\"HostIp\":\"127.0.0.1\",\"HostPort\":\"$port\"}]}" "InfraConfig.PortBindings"
    run_pod 125 create --pod p90 -p 8081:80 busybox true
    assert "$output" =~ "network cannot be configured when it is shared with a pod" "-p on a member"
    run_pod run -d --pod p90 -v "$WWW:/www:ro" busybox httpd -f -p 80 -h /www
    for _ in 1 2 3 4 5 6 7 8 9 10; do
        run curl -sS -m 5 "http://127.0.0.1:$port/"
        [[ "$output" == "hello pod90" ]] && break
        sleep 0.2
    done
    is "$output" "hello pod90" "the pod's port reaches the member"
    run_pod pod rm -f -t 0 p90
    assert_nothing_left
}

@test "pod states: Created, Running, Degraded, Exited, Paused; kill" {
    run_pod pod create --name p90 --network none
    track_pod p90
    run_pod pod ps --format '{{.Status}}'
    is "$output" "Created"
    run_pod create --pod p90 --name short busybox true
    run_pod create --pod p90 --name long busybox sleep 300
    run_pod pod start p90
    run_pod wait short
    run_pod pod ps --format '{{.Status}}'
    is "$output" "Degraded" "one member exited"
    run_pod pod pause p90
    run_pod pod ps --format '{{.Status}}'
    is "$output" "Exited" "running ones paused, one exited (Podman's order of rules)"
    run_pod inspect --format '{{.State.Status}}' long
    is "$output" "paused"
    run_pod pod unpause p90
    run_pod inspect --format '{{.State.Status}}' long
    is "$output" "running"
    run_pod rm short
    run_pod pod pause p90
    run_pod pod ps --format '{{.Status}}'
    is "$output" "Paused" "every member paused"
    run_pod pod unpause p90
    run_pod pod ps --format '{{.Status}}'
    is "$output" "Running"
    run_pod pod kill p90
    run_pod pod ps --format '{{.Status}}'
    is "$output" "Exited" "killed"
    run_pod 125 pod kill p90
    run_pod pod rm p90
}

@test "the infra container cannot be removed alone; rm needs -f while running" {
    run_pod pod create --name p90 --network none
    local pid=$output
    track_pod p90
    infra=$("$PODMAN" pod inspect --format '{{.InfraContainerID}}' p90)
    run_pod 125 rm -f "$infra"
    is "$output" "Error: container $infra is the infra container of pod $pid and cannot be removed without removing the pod"
    run_pod run -d --pod p90 --name m1 busybox sleep 300
    run_pod 125 pod rm p90
    assert "$output" =~ "cannot remove container .* as it is running" "rm without -f"
    run_pod pod rm -f -t 0 p90
    is "$output" "$pid"
    run_pod ps -a -q
    is "$output" "" "no containers left"
    run_pod pod ps -q
    is "$output" "" "no pod left"
    # rm --all takes the pods with their infra containers, as Podman does
    run_pod pod create --name p90 --network none
    track_pod p90
    run_pod run -d --pod p90 --name m2 busybox sleep 300
    run_pod rm -a -f -t 0
    run_pod ps -a -q
    is "$output" "" "rm -a -f leaves no containers"
    run_pod pod ps -q
    is "$output" "" "rm -a -f removed the pod"
}

@test "--pod new:, --share pid, --infra=false, prune" {
    run_pod run --rm --pod new:p90n --network none busybox true
    run_pod 125 run --rm --pod new:p90n busybox true
    run_pod pod ps --format '{{.Name}}'
    is "$output" "p90n" "new: made the pod"
    track_pod p90n
    run_pod pod create --name p90p --share pid,ipc --network none
    track_pod p90p
    run_pod run -d --pod p90p --name a busybox sleep 300
    run_pod run --rm --pod p90p busybox sh -c 'ps -o comm | grep -c -e sleep -e pod-infra'
    is "$output" "2" "a shared pid namespace sees the infra and the other member"
    run_pod pod create --name p90s --share +pid --network none
    run_pod pod inspect --format '{{.SharedNamespaces}}' p90s
    is "$output" "[ipc net pid uts]" "--share +pid"
    run_pod pod create --name p90z --share none --network none
    run_pod pod inspect --format '{{.SharedNamespaces}}' p90z
    is "$output" "[]" "--share none"
    run_pod 125 pod create --share bogus
    is "$output" "Error: invalid kernel namespace to share: bogus. Options are: cgroup, ipc, net, pid, uts or none"
    run_pod pod create --name p90x --infra=false
    run_pod pod inspect --format '{{.CreateInfra}} {{.NumContainers}}' p90x
    is "$output" "false 0"
    run_pod pod stop -t 0 p90p p90n
    run_pod pod prune -f
    run_pod pod ps --format '{{.Name}}'
    is "$output" "" "prune removed stopped and created pods"
}

@test "pod logs; --exit-policy stop" {
    run_pod pod create --name p90 --network none --exit-policy stop
    track_pod p90
    run_pod run --pod p90 --name la busybox echo hello-a
    run_pod run --pod p90 --name lb busybox echo hello-b
    la=$("$PODMAN" inspect --format '{{.Id}}' la)
    lb=$("$PODMAN" inspect --format '{{.Id}}' lb)
    run_pod pod logs p90
    is "$output" "${la:0:12} hello-a
${lb:0:12} hello-b" "pod logs"
    run_pod pod logs -n p90
    is "$output" "la hello-a
lb hello-b" "pod logs --names"
    run_pod pod logs -c lb p90
    is "$output" "hello-b" "pod logs -c"
    # the last member exited: the infra was stopped with it
    run_pod pod ps --format '{{.Status}}'
    is "$output" "Exited" "exit policy stop"
    run_pod pod inspect --format '{{.ExitPolicy}}' p90
    is "$output" "stop"
    run_pod 125 pod create --exit-policy bogus
    is "$output" "Error: invalid pod exit policy: \"bogus\""
}

@test "pod-wide settings: --hostname, --add-host, --dns, --volume, --memory, --cpus" {
    net90
    run_pod pod create --name p90 --network pod90 --hostname h90 --add-host db.pod90:10.89.90.9 \
        --dns 10.89.90.53 -v "$WWW:/www:ro" --memory 64m --cpus 0.5
    local id=$output
    track_pod p90
    run_pod run --rm --pod p90 busybox sh -c 'hostname; grep db.pod90 /etc/hosts; grep -c 10.89.90.53 /etc/resolv.conf; cat /www/index.html'
    is "$output" "h90
10.89.90.9	db.pod90
1
hello pod90" "hostname, hosts, resolv.conf and the volume from the pod"
    run_pod run -d --pod p90 --name m busybox sleep 300
    # shellcheck disable=SC2207
    VETHS+=($(veths_of "$("$PODMAN" pod inspect --format '{{.InfraContainerID}}' p90)"))
    mem=$(find /sys/fs/cgroup/memory -maxdepth 3 -type d -name "$id" | head -1)
    assert "$mem" != "" "the pod's memory cgroup exists"
    is "$(cat "$mem/memory.limit_in_bytes")" "67108864" "the pod's memory limit"
    cid=$("$PODMAN" inspect --format '{{.Id}}' m)
    [ -d "$mem/libpod-$cid" ]
    cpu=$(find /sys/fs/cgroup/cpu,cpuacct /sys/fs/cgroup/cpu -maxdepth 3 -type d -name "$id" 2>/dev/null | head -1)
    is "$(cat "$cpu/cpu.cfs_quota_us")" "50000" "the pod's cpu quota"
    run_pod pod inspect --format '{{.InfraConfig.DNSServer}} {{.InfraConfig.HostAdd}} {{.Hostname}}' p90
    is "$output" "[10.89.90.53] [db.pod90:10.89.90.9] h90" "inspect"
    run_pod pod rm -f -t 0 p90
    assert_nothing_left
}

@test "a pod on the host network gives its members the host's hosts file and --add-host" {
    run_pod pod create --name ph90 --network host --add-host hostdb.pod90:10.89.90.19
    track_pod ph90
    run_pod run --rm --pod ph90 busybox grep -c hostdb.pod90 /etc/hosts
    is "$output" "1" "the pod's --add-host reaches a member"
    run_pod run --rm --pod ph90 busybox readlink /proc/self/ns/net
    is "$output" "$(readlink /proc/self/ns/net)" "the member is in the host's network namespace"
    run_pod pod rm -f -t 0 ph90
}

@test "pod clone copies the pod and its containers; --destroy, --start" {
    run_pod pod create --name p90 --network none --label k=v
    track_pod p90
    run_pod create --pod p90 --name c1 busybox sleep 300
    run_pod pod clone p90
    local cid=$output
    PODS+=("$cid")
    run_pod ps -a --pod --filter pod=p90-clone --format '{{.Names}}'
    infra=$("$PODMAN" pod inspect --format '{{.InfraContainerID}}' p90)
    iname=$("$PODMAN" inspect --format '{{.Name}}' "$infra")
    is "$(sort <<<"$output" | xargs)" "$(printf '%s\n' "$iname-clone" c1-clone | sort | xargs)" "the clone's containers"
    run_pod pod inspect --format '{{.Labels}} {{.NumContainers}}' p90-clone
    is "$output" "map[k:v] 2" "the clone's settings"
    run_pod pod clone --name p90b --destroy --start p90-clone
    PODS+=("$output")
    run_pod pod ps --format '{{.Name}} {{.Status}}' --sort name
    is "$output" "p90 Created
p90b Running" "--destroy removed the original, --start started the copy"
    run_pod inspect --format '{{.State.Status}}' c1-clone-clone
    is "$output" "running"
}

@test "pod top and pod stats list every running container of the pod" {
    run_pod pod create --name p90 --network none
    track_pod p90
    run_pod run -d --pod p90 --name s1 busybox sleep 300
    run_pod create --pod p90 --name s2 busybox true
    run_pod pod top p90 pid args
    is "${lines[0]}" "PID         COMMAND" "pod top header"
    assert "$output" =~ "/pod-infra" "the infra process"
    assert "$output" =~ "sleep 300" "the member's process"
    run_pod pod stats --no-stream --format '{{.Name}} {{.PIDS}}' p90
    infra=$("$PODMAN" pod inspect --format '{{.InfraContainerID}}' p90)
    iname=$("$PODMAN" inspect --format '{{.Name}}' "$infra")
    is "$(sort <<<"$output" | xargs)" "$(printf '%s\n' "NAME PIDS" "$iname 1" "s1 1" "s2 --" | sort | xargs)" "pod stats (headed, as in Podman)"
    run_pod pod stats --no-stream p90
    assert "${lines[0]}" =~ "^POD +CID +NAME +CPU % +MEM USAGE/ LIMIT +MEM % +NET IO +BLOCK IO +PIDS$" "pod stats header"
    run_pod pod stop -t 0 p90
    run_pod 125 pod top p90
    is "$output" "Error: pod top can only be used on pods with at least one running container"
}

@test "podman inspect finds pods too" {
    run_pod pod create --name p90 --network none
    local id=$output
    track_pod p90
    run_pod inspect --format '{{.Id}} {{.Name}} {{.NumContainers}}' p90
    is "$output" "$id p90 1" "inspect POD"
    run_pod inspect --type pod --format '{{.Name}}' p90
    is "$output" "p90" "--type pod"
    run_pod 125 inspect --type pod nosuch
    assert "$output" =~ "no such pod nosuch" "--type pod, missing"
}

@test "--pod-id-file on pod create, start, stop, rm" {
    local f=$PODUTILS_TMP/pod.id
    run_pod pod create --name p90 --network none --pod-id-file "$f"
    local id=$output
    track_pod p90
    is "$(cat "$f")" "$id" "the ID in the file"
    run_pod 125 pod create --network none --pod-id-file "$f"
    assert "$output" =~ "pod id file exists" "an existing file"
    run_pod pod start --pod-id-file "$f" </dev/null
    is "$output" "$id"
    run_pod pod stop -t 0 --pod-id-file "$f" </dev/null
    run_pod pod ps --format '{{.Status}}'
    is "$output" "Exited"
    run_pod pod rm --pod-id-file "$f" </dev/null
    run_pod pod ps -q
    is "$output" "" "removed through the file"
}

@test "--latest: pod inspect, top and logs take the newest pod; none is an error" {
    run_pod 125 pod inspect -l
    is "$output" "Error: no pods to inspect" "no pods"
    run_pod 125 pod logs -l
    is "$output" "Error: no pods to show the logs of" "no pods for logs"
    run_pod pod create --name old90 --network none
    run_pod pod create --name new90 --network none
    run_pod pod inspect -l --format '{{.Name}}'
    is "$output" "new90" "the newest pod"
    run_pod pod rm -f -t 0 old90 new90
}
