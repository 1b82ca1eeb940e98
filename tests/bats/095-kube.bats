#!/usr/bin/env bats
# 095-kube: kube play / down / generate (Kubernetes YAML), checked against
# Podman 4.3.1's output shapes; hostile YAML is refused before anything is made.

load helpers
load ctr-helpers

setup() {
    basic_setup
    add_busybox_image
    KDIR=$PODUTILS_TMP/kube95
    mkdir -p "$KDIR/hostdir"
    echo from-host > "$KDIR/hostdir/h"
}

teardown() {
    "$PODMAN" pod rm -af -t 0 >/dev/null 2>&1 || true
    "$PODMAN" rm -af -t 0 >/dev/null 2>&1 || true
    "$PODMAN" network rm -f kube95net >/dev/null 2>&1 || true
    ctr_leak_check
    basic_teardown
}

# the containers' names, sorted, without the pods' infra containers
ctr_names() {
    run_pod ps -a --format '{{.Names}}' --sort names
    output=$(grep -v -- '-infra$' <<< "$output" || true)
}

# the infra container ID of a pod
podman_infra() {
    "$PODMAN" pod inspect "$1" --format '{{.InfraContainerID}}'
}

# nothing left: no pod, no container
assert_empty() {
    run_pod pod ps -q
    is "$output" "" "no pod left ($1)"
    run_pod ps -a -q
    is "$output" "" "no container left ($1)"
}

# a multi-document file: ConfigMap (env and volume), PVC, hostPath, a Service
write_app() {
    cat > "$KDIR/app.yaml" <<EOF
apiVersion: v1
kind: ConfigMap
metadata:
  name: cfg-kube95
data:
  GREETING: hello-kube95
  app.conf: |
    port=8095
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: claim-kube95
spec:
  accessModes: [ReadWriteOnce]
---
apiVersion: v1
kind: Service
metadata:
  name: svc-kube95
spec:
  ports: [{port: 80}]
---
apiVersion: v1
kind: Pod
metadata:
  name: kube95
  labels:
    app: kube95
spec:
  restartPolicy: Never
  volumes:
  - name: conf
    configMap: {name: cfg-kube95}
  - name: data
    persistentVolumeClaim: {claimName: claim-kube95}
  - name: host
    hostPath: {path: $KDIR/hostdir, type: Directory}
  - name: made
    hostPath: {path: $KDIR/made, type: DirectoryOrCreate}
  containers:
  - name: app
    image: busybox
    command: ["sh", "-c"]
    args:
    - echo "G=\$GREETING P=\$POD_NAME L=\$LIT"; cat /etc/app/app.conf; cat /host/h; echo saved > /data/f; id -u; pwd; echo done
    workingDir: /tmp
    env:
    - name: LIT
      value: "literal value"
    - name: GREETING
      valueFrom:
        configMapKeyRef: {name: cfg-kube95, key: GREETING}
    - name: POD_NAME
      valueFrom:
        fieldRef: {fieldPath: metadata.name}
    securityContext:
      runAsUser: 0
    volumeMounts:
    - {name: conf, mountPath: /etc/app}
    - {name: data, mountPath: /data}
    - {name: host, mountPath: /host, readOnly: true}
    - {name: made, mountPath: /made}
  - name: side
    image: busybox
    command: ["sleep", "100"]
EOF
}

# waits until a container's log has a line ($2)
wait_log() {
    for _ in $(seq 50); do
        run "$PODMAN" logs "$1"
        [[ "$output" == *"$2"* ]] && return 0
        sleep 0.1
    done
    echo "# log of $1: $output"
    return 1
}

@test "kube play: ConfigMap env and volume, PVC, hostPath; down removes it" {
    write_app
    run_pod kube play "$KDIR/app.yaml"
    assert "${lines[0]}" == "Volumes:" "volumes first, as Podman"
    assert "${lines[1]}" == "claim-kube95" "the PVC's volume"
    assert "${lines[2]}" == "Pod:" "then the pod"
    assert "${lines[3]}" =~ "^[0-9a-f]{64}$" "its ID"
    local pod_id=${lines[3]}
    assert "${lines[4]}" == "Containers:" "then its containers"
    assert "${lines[5]}" =~ "^[0-9a-f]{64}$" "first container ID"
    assert "${lines[6]}" =~ "^[0-9a-f]{64}$" "second container ID"
    run_pod pod ps --format '{{.Id}} {{.Name}} {{.NumberOfContainers}}'
    is "$output" "$pod_id kube95 3" "one pod: infra + 2"
    ctr_names
    is "$output" $'kube95-app\nkube95-side' "containers are named POD-CTR"
    wait_log kube95-app done
    is "${lines[0]}" "G=hello-kube95 P=kube95 L=literal value" "env from value, configMapKeyRef, fieldRef"
    is "${lines[1]}" "port=8095" "configMap volume file"
    is "${lines[2]}" "from-host" "hostPath bind"
    is "${lines[3]}" "0" "runAsUser"
    is "${lines[4]}" "/tmp" "workingDir"
    run cat "$POD_ROOT/volumes/claim-kube95/_data/f"
    is "$output" "saved" "the PVC is a named volume"
    [ -d "$KDIR/made" ] || { echo "# DirectoryOrCreate did not make the dir"; false; }
    run_pod inspect kube95-app --format '{{.Config.WorkingDir}} {{.HostConfig.RestartPolicy.Name}}'
    is "$output" "/tmp no" "restartPolicy Never"

    # playing again without --replace: the names are taken
    run_pod 125 kube play "$KDIR/app.yaml"
    is "$output" 'Error: adding pod to state: name "kube95" is in use: pod already exists' "pod name in use (Podman's words)"
    run_pod kube play --replace --start=false "$KDIR/app.yaml"
    is "${lines[0]}" "Pods stopped:" "--replace removes the old pod first"
    is "${lines[1]}" "$pod_id" "the old pod's ID"
    run_pod inspect kube95-app kube95-side --format '{{.State.Status}}'
    is "$output" $'created\ncreated' "--replace --start=false"

    run_pod pod ps -q --no-trunc
    local new_id=$output
    run_pod kube down "$KDIR/app.yaml"
    is "$output" $'Pods stopped:\n'"$new_id"$'\nPods removed:\n'"$new_id" "down's report, as Podman"
    assert_empty "after down"
    run_pod 125 kube down "$KDIR/app.yaml"
    is "$output" "Error: no pod with name or ID kube95 found: no such pod" "down twice"
    run_pod volume ls -q
    assert "$output" =~ "claim-kube95" "down keeps volumes, as Podman"
    # play reads stdin too, through the alias
    run bash -c "'$PODMAN' play kube - < '$KDIR/app.yaml'"
    is "$status" 0 "play kube - (stdin, alias)"
    ctr_names
    is "$output" $'kube95-app\nkube95-side' "played from stdin"
    run_pod kube down "$KDIR/app.yaml"
}

@test "kube play: Deployment replicas, Secret env, resources, capabilities, ports" {
    cat > "$KDIR/dep.yaml" <<'EOF'
apiVersion: v1
kind: Secret
metadata:
  name: sec-kube95
data:
  PASSWORD: aHVudGVyMg==
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: dep95
spec:
  replicas: 2
  template:
    metadata:
      labels: {app: dep95}
    spec:
      volumes:
      - name: creds
        secret: {secretName: sec-kube95}
      containers:
      - name: c
        image: busybox
        command: ["sh", "-c", "echo PW=$PW FILE=$(cat /creds/PASSWORD) UID=$(id -u); sleep 100"]
        volumeMounts:
        - {name: creds, mountPath: /creds}
        livenessProbe:
          exec: {command: ["true"]}
          periodSeconds: 30
          failureThreshold: 2
        env:
        - name: PW
          valueFrom:
            secretKeyRef: {name: sec-kube95, key: PASSWORD}
        resources:
          limits: {memory: 64Mi, cpu: 500m}
        securityContext:
          runAsUser: 1000
          readOnlyRootFilesystem: true
          capabilities:
            add: [NET_ADMIN]
            drop: [CHOWN]
EOF
    run_pod kube play --network none --log-driver k8s-file "$KDIR/dep.yaml"
    run_pod pod ps --format '{{.Name}}' --sort name
    is "$output" $'dep95-pod-0\ndep95-pod-1' "one pod per replica, NAME-pod-N (Podman 4.3)"
    ctr_names
    is "$output" $'dep95-pod-0-c\ndep95-pod-1-c' "a container in each"
    wait_log dep95-pod-1-c PW=
    is "$output" "PW=hunter2 FILE=hunter2 UID=1000" "secretKeyRef and a secret volume, read as runAsUser"
    run_pod inspect dep95-pod-0-c --format '{{.HostConfig.Memory}} {{.HostConfig.CpuQuota}} {{.HostConfig.CpuPeriod}} {{.HostConfig.ReadonlyRootfs}}'
    is "$output" "67108864 50000 100000 true" "limits and readOnlyRootFilesystem"
    run_pod inspect dep95-pod-0-c --format '{{.HostConfig.CapAdd}} {{.HostConfig.CapDrop}}'
    is "$output" "[CAP_NET_ADMIN] [CAP_CHOWN]" "capabilities"
    run_pod inspect dep95-pod-0-c --format '{{.HostConfig.LogConfig.Type}} {{.HostConfig.NetworkMode}}'
    is "$output" "k8s-file container:$(podman_infra dep95-pod-0)" "--log-driver; members join the infra's network"
    run_pod inspect dep95-pod-1-c --format '{{json .Config.Healthcheck}}'
    is "$output" '{"Test":["CMD","true"],"Interval":30000000000,"Timeout":1000000000,"Retries":2}' \
        "livenessProbe.exec is the healthcheck"
    run_pod kube generate dep95-pod-0
    echo "$output" > "$KDIR/dep-gen.yaml"
    assert "$output" =~ "livenessProbe:"$'\n'" *exec:"$'\n'" *command:"$'\n'" *- \"true\"" \
        "generate writes the healthcheck back as a livenessProbe"
    assert "$output" =~ "runAsUser: 1000" "and runAsUser"
    run /usr/bin/python3 "$PODUTILS_SRC/tests/kube/validate.py" "$PODUTILS_SRC/tests/kube/pod-schema.json" "$KDIR/dep-gen.yaml"
    is "$status" 0 "valid Kubernetes: $output"
    run_pod 125 kube play --log-driver bogus "$KDIR/dep.yaml"
    assert "$output" =~ "invalid log driver" "a bad --log-driver"
    run_pod kube down "$KDIR/dep.yaml"
    assert_empty "down"
}

@test "kube play: members share localhost, hostPort is published on the pod, --network" {
    run_pod network create --subnet 10.89.95.0/24 kube95net
    cat > "$KDIR/web.yaml" <<'EOF'
apiVersion: v1
kind: Pod
metadata:
  name: web95
spec:
  containers:
  - name: srv
    image: busybox
    command: ["sh", "-c", "mkdir -p /www && echo hello-from-srv > /www/index.html && exec httpd -f -p 8080 -h /www"]
    ports:
    - containerPort: 8080
      hostPort: 18095
  - name: cli
    image: busybox
    command: ["sh", "-c", "for i in $(seq 50); do timeout 5 wget -q -O- http://localhost:8080/ 2>/dev/null && break; sleep 0.2; done; echo cli-done; exec sleep 100"]
EOF
    run_pod kube play --network kube95net "$KDIR/web.yaml"
    wait_log web95-cli cli-done
    # members start together: the first tries may find the server not listening yet
    assert "$output" =~ "hello-from-srv"$'\n'"cli-done" "a member reaches another on localhost"
    run_pod pod inspect web95 --format '{{.InfraContainerID}}'
    local infra=$output
    run_pod inspect "$infra" --format '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}'
    assert "$output" =~ "^10\.89\.95\." "the pod is on --network kube95net"
    local ip=$output
    run_pod port "$infra"
    is "$output" "8080/tcp -> 0.0.0.0:18095" "the hostPort belongs to the pod"
    run curl -fs --max-time 5 "http://$ip:8080/"
    is "$output" "hello-from-srv" "the pod's address"
    run curl -fs --max-time 5 "http://127.0.0.1:18095/"
    is "$output" "hello-from-srv" "the hostPort"
    run_pod kube down "$KDIR/web.yaml"
    assert_empty "down"
}

@test "kube play: initContainers, emptyDir shared by the pod, --configmap, a URL" {
    cat > "$KDIR/cm.yaml" <<'EOF'
apiVersion: v1
kind: ConfigMap
metadata:
  name: extcm-kube95
data:
  COLOR: blue
EOF
    cat > "$KDIR/init.yaml" <<'EOF'
apiVersion: v1
kind: Pod
metadata:
  name: init95
spec:
  restartPolicy: Never
  volumes:
  - name: scratch
    emptyDir: {}
  initContainers:
  - name: prep
    image: busybox
    command: ["sh", "-c", "echo prepared > /work/ready"]
    volumeMounts: [{name: scratch, mountPath: /work}]
  containers:
  - name: main
    image: busybox
    command: ["sh", "-c", "cat /w/ready; echo COLOR=$COLOR; echo done"]
    envFrom:
    - configMapRef: {name: extcm-kube95}
    volumeMounts: [{name: scratch, mountPath: /w}]
EOF
    run_pod 125 kube play "$KDIR/init.yaml"
    assert "$output" =~ 'configmap "extcm-kube95" not found' "envFrom needs the configmap"
    run_pod ps -a -q
    is "$output" "" "nothing made"
    run_pod kube play --network none --configmap "$KDIR/cm.yaml" "$KDIR/init.yaml"
    wait_log init95-main done
    is "${lines[0]}" "prepared" "the init container ran first, into the shared emptyDir"
    is "${lines[1]}" "COLOR=blue" "envFrom a --configmap file"
    run_pod inspect init95-prep --format '{{.State.Status}} {{.State.ExitCode}}'
    is "$output" "exited 0" "the init container ran to completion"
    run_pod volume ls -q
    is "$output" "init95-scratch" "the emptyDir volume"
    run_pod kube down "$KDIR/init.yaml"
    assert_empty "down removes init containers too"
    run_pod volume ls -q
    is "$output" "" "down removes the emptyDir"

    # from a URL
    local port=18095
    python3 -m http.server --directory "$KDIR" --bind 127.0.0.1 "$port" >/dev/null 2>&1 &
    local srv=$!
    for _ in $(seq 50); do
        curl -fs "http://127.0.0.1:$port/cm.yaml" >/dev/null && break
        sleep 0.1
    done
    run_pod '?' kube play --network none --configmap "http://127.0.0.1:$port/cm.yaml" "http://127.0.0.1:$port/init.yaml"
    local rc=$status
    run_pod '?' kube play "http://127.0.0.1:$port/missing.yaml"
    local missing=$output missing_rc=$status
    kill "$srv"
    wait "$srv" 2>/dev/null || true
    is "$rc" 0 "play from a URL"
    is "$missing_rc" 125 "a missing URL fails"
    assert "$missing" =~ "HTTP status 404" "a missing URL"
    wait_log init95-main done
    is "${lines[1]}" "COLOR=blue" "played from the URL"
    run_pod kube down "$KDIR/init.yaml"
}

@test "kube generate -> down -> play round trip; output is valid Kubernetes" {
    write_app
    run_pod kube play "$KDIR/app.yaml"
    wait_log kube95-app done
    run_pod 125 kube generate kube95-app
    assert "$output" =~ "is associated with pod .*: use generate on the pod itself" "a member alone"
    run_pod kube generate -s -f "$KDIR/gen.yaml" kube95
    run /usr/bin/python3 "$PODUTILS_SRC/tests/kube/validate.py" "$PODUTILS_SRC/tests/kube/pod-schema.json" "$KDIR/gen.yaml"
    is "$status" 0 "generated YAML matches the Kubernetes schema: $output"
    run cat "$KDIR/gen.yaml"
    assert "$output" =~ "kind: Service" "-s adds a Service"
    assert "$output" =~ "claimName: claim-kube95" "the PVC is a persistentVolumeClaim"
    assert "$output" =~ "value: hello-kube95" "env"
    assert "$output" =~ "drop:"$'\n'" *- CAP_NET_RAW"$'\n'" *- CAP_MKNOD"$'\n'" *- CAP_AUDIT_WRITE" \
        "capabilities against Kubernetes' defaults, as Podman"
    # the deployment form validates as well
    run_pod generate kube --type deployment --replicas 2 kube95
    echo "$output" > "$KDIR/dep.yaml"
    run /usr/bin/python3 "$PODUTILS_SRC/tests/kube/validate.py" "$PODUTILS_SRC/tests/kube/pod-schema.json" "$KDIR/dep.yaml"
    is "$status" 0 "deployment YAML matches the schema: $output"
    assert "$(cat "$KDIR/dep.yaml")" =~ "replicas: 2" "--replicas"

    run_pod inspect kube95-app --format '{{.Config.Cmd}} {{.Config.WorkingDir}}'
    local before=$output
    run_pod kube down "$KDIR/app.yaml"
    assert_empty "down"
    run_pod kube play "$KDIR/gen.yaml"
    run_pod pod ps --format '{{.Name}} {{.Labels}}'
    is "$output" "kube95 map[app:kube95]" "the same pod again"
    ctr_names
    is "$output" $'kube95-app\nkube95-side' "the same containers again"
    local app=kube95-app
    wait_log "$app" done
    is "${lines[0]}" "G=hello-kube95 P=kube95 L=literal value" "env survives the round trip"
    is "${lines[1]}" "port=8095" "the configmap volume survives"
    is "${lines[2]}" "from-host" "the hostPath survives"
    run_pod inspect "$app" --format '{{.Config.Cmd}} {{.Config.WorkingDir}}'
    is "$output" "$before" "command and workingDir survive"
    run_pod kube down "$KDIR/gen.yaml"
    assert_empty "down of the generated file"
}

@test "kube play: hostile or wrong YAML is refused with one clear line, nothing made" {
    # anchor bomb: a billion laughs
    {
        echo 'a: &a ["x","x","x","x","x","x","x","x","x","x"]'
        local prev=a
        for n in b c d e f g h i; do
            echo "$n: &$n [*$prev,*$prev,*$prev,*$prev,*$prev,*$prev,*$prev,*$prev,*$prev,*$prev]"
            prev=$n
        done
    } > "$KDIR/bomb.yaml"
    python3 -c "print('kind: ' + '['*200 + ']'*200)" > "$KDIR/deep.yaml"
    printf 'kind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    image: busybox\n    ports:\n    - {containerPort: 80, hostPort: "8080"}\n' > "$KDIR/types.yaml"
    printf 'kind: Pod\nmetadata: {name: p}\nspec:\n  containers: {name: c}\n' > "$KDIR/notlist.yaml"
    printf 'kind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    image: busybox\n    env:\n    - {name: A, valueFrom: {configMapKeyRef: {name: nope, key: k}}}\n' > "$KDIR/nocm.yaml"
    printf 'a: b: c\n' > "$KDIR/syntax.yaml"
    head -c 5000000 /dev/zero | tr '\0' 'a' > "$KDIR/huge.yaml"
    while read -r file want; do
        run_pod 125 kube play "$KDIR/$file"
        is "${#lines[@]}" 1 "$file: one line"
        assert "$output" =~ "^Error: " "$file: an error"
        assert "$output" =~ "$want" "$file: says why"
    done <<'EOF'
bomb.yaml expands to more than 200000 nodes
deep.yaml nesting deeper than 64 levels
types.yaml spec.containers\[0\].ports\[0\].hostPort: expected integer, got string
notlist.yaml spec.containers: expected sequence, got mapping
nocm.yaml configMapKeyRef: configmap "nope" not found
syntax.yaml line 1: mapping values are not allowed in this context
huge.yaml larger than 4194304 bytes
EOF
    assert_empty "hostile input"
    run_pod volume ls -q
    is "$output" "" "no volume was created"
    run_pod 125 kube play "$KDIR/does-not-exist.yaml"
    assert "$output" =~ "no such file or directory" "missing file"
}
