#!/usr/bin/env bats
#
# podman login / logout against docker-registry with htpasswd basic auth,
# then push with the stored credentials; podman search on a registry's
# catalog. Only the registries started here are stopped.

load helpers
load ctr-helpers

REG_SH=$BATS_TEST_DIRNAME/fixtures/registry.sh

setup_file() {
	command -v docker-registry >/dev/null || skip "docker-registry is not installed"
	command -v skopeo >/dev/null || skip "skopeo is not installed"
	# shellcheck source=fixtures/registry.sh
	source "$REG_SH"
	registry_start "$BATS_FILE_TMPDIR/plain" plain >&2
	registry_start "$BATS_FILE_TMPDIR/auth" htpasswd >&2
	registry_start "$BATS_FILE_TMPDIR/authtls" htpasswd,tls >&2
}

teardown_file() {
	source "$REG_SH"
	local r
	for r in plain auth authtls; do
		[ -d "$BATS_FILE_TMPDIR/$r" ] && registry_stop "$BATS_FILE_TMPDIR/$r" >&2
	done
	true
}

reg() { # NAME -> 127.0.0.1:PORT
	echo "127.0.0.1:$(cat "$BATS_FILE_TMPDIR/$1/port")"
}

USER_=podutils
PASS_=podutils-secret

@test "login: wrong password fails and changes nothing; right one is stored 0600" {
	local r auth=$XDG_RUNTIME_DIR/containers/auth.json
	r=$(reg auth)
	run_pod 125 login --tls-verify=false -u "$USER_" -p wrong "$r"
	is "$output" "Error: logging into \"$r\": invalid username/password"
	assert "$(ls "$XDG_RUNTIME_DIR")" == "" "no auth file written"

	run_pod login --tls-verify=false -u "$USER_" -p "$PASS_" "$r"
	is "$output" "Login Succeeded!"
	is "$(stat -c %a "$auth")" 600 "auth.json mode"
	is "$(stat -c %a "$XDG_RUNTIME_DIR/containers")" 700 "its directory's mode"
	is "$(jq -r --arg r "$r" '.auths[$r].auth' "$auth" | base64 -d)" "$USER_:$PASS_"

	# a wrong password now leaves the stored entry alone
	cp "$auth" "$PODUTILS_TMP/before"
	run_pod 125 login --tls-verify=false -u "$USER_" -p wrong2 "$r"
	is "$output" "Error: logging into \"$r\": invalid username/password"
	run cmp "$auth" "$PODUTILS_TMP/before"
	is "$status" 0 "auth.json unchanged"

	run_pod login --get-login "$r"
	is "$output" "$USER_" "--get-login"
	run_pod login --tls-verify=false "$r"
	is "${lines[0]}" "Authenticating with existing credentials for $r"
	is "${lines[1]}" "Existing credentials are valid. Already logged in to $r"
}

@test "login then push with the stored credentials; logout removes them" {
	local r
	r=$(reg auth)
	add_busybox_image
	echo "$PASS_" >"$PODUTILS_TMP/pw"
	run_pod login --tls-verify=false -u "$USER_" --password-stdin "$r" <"$PODUTILS_TMP/pw"
	is "$output" "Login Succeeded!"
	run_pod push -q --tls-verify=false busybox "$r/li/bb:1"
	run skopeo inspect --tls-verify=false --creds "$USER_:$PASS_" "docker://$r/li/bb:1"
	is "$status" 0 "skopeo sees the image pushed with login credentials"

	run_pod logout "$r"
	is "$output" "Removed login credentials for $r"
	is "$(jq -c .auths "$XDG_RUNTIME_DIR/containers/auth.json")" "{}" "entry gone"
	run_pod 125 logout "$r"
	is "$output" "Error: not logged into $r"
	run_pod 125 login --get-login "$r"
	is "$output" "Error: not logged into $r"
	run_pod 125 push -q --tls-verify=false busybox "$r/li/bb:2"
	assert "$output" =~ "unauthorized" "push without credentials"
}

@test "login: --authfile, REGISTRY_AUTH_FILE, repository keys, logout -a" {
	local r f=$PODUTILS_TMP/my.json
	r=$(reg auth)
	run_pod login --tls-verify=false --authfile "$f" -u "$USER_" -p "$PASS_" "$r/ns/repo"
	is "$(jq -r 'keys[]' <<<"$(jq .auths "$f")")" "$r/ns/repo" "key with a repository"
	REGISTRY_AUTH_FILE=$f run_pod login --get-login "$r/ns/repo"
	is "$output" "$USER_"
	assert "$(ls "$XDG_RUNTIME_DIR")" == "" "the default file is not touched"
	# pod-login prints a record
	run_tool pod-login --tls-verify=false --authfile "$f" -u "$USER_" -p "$PASS_" "$r"
	is "$(jq -r .Registry <<<"$output")" "$r"
	is "$(jq -r .AuthFile <<<"$output")" "$f"
	is "$(jq '.auths | length' "$f")" 2 "two entries"
	run_pod logout --authfile "$f" -a
	is "$output" "Removed login credentials for all registries"
	is "$(jq -c .auths "$f")" "{}"
}

@test "login: flag errors" {
	local r
	r=$(reg auth)
	run_pod 125 login --password-stdin -p x -u a "$r"
	is "$output" "Error: Can't specify both --password-stdin and --password"
	run_pod 125 login --tls-verify=false -u "$USER_" "$r" </dev/null
	assert "$output" =~ "reading password: inappropriate ioctl for device"
	run_pod 125 login --tls-verify=false "$r" </dev/null
	assert "$output" =~ "reading username: EOF"
	CONTAINERS_REGISTRIES_CONF=/dev/null run_pod 125 login
	is "$output" "Error: no registries found in registries.conf, a registry must be provided"
	# https is the default: a plain-HTTP registry is refused
	run_pod 125 login -u "$USER_" -p "$PASS_" "$r"
	assert "$output" =~ "authenticating creds for \"$r\": pinging container registry $r"
}

@test "search: finds pushed repositories in the catalog" {
	local r
	r=$(reg plain)
	add_busybox_image
	run_pod push -q --tls-verify=false busybox "$r/search/alpha:1"
	run_pod push -q --tls-verify=false busybox "$r/search/alpha:2"
	run_pod push -q --tls-verify=false busybox "$r/other/beta:1"

	local name=$r/search/alpha w
	w=$((${#name} + 2))
	run_pod search --tls-verify=false "$r/alpha"
	is "${lines[0]}" "$(printf "%-${w}s%s" NAME DESCRIPTION)" "header like tabwriter"
	is "${lines[1]}" "$r/search/alpha  " "row padded like tabwriter"
	is "${#lines[@]}" 2 "one match"

	run_pod search --tls-verify=false --format '{{.Name}}' "$r/"
	is "$output" "$r/other/beta
$r/search/alpha" "empty text lists all"
	run_pod search --tls-verify=false --limit 1 --format '{{.Name}}' "$r/a"
	is "$output" "$r/other/beta" "--limit"
	run_pod search --tls-verify=false --format json "$r/beta"
	is "$(jq -r '.[0].Index' <<<"$output")" "$r"
	is "$(jq -r '.[0].Name' <<<"$output")" "$r/other/beta"
	run_pod search --tls-verify=false "$r/nothing-like-this"
	is "$output" "" "no match prints nothing"

	run_pod search --tls-verify=false --list-tags "$r/search/alpha"
	is "${lines[0]}" "$(printf "%-${w}s%s" NAME TAG)"
	is "$(printf '%s\n' "${lines[@]:1}" | sort | tr '\n' ' ')" \
		"$r/search/alpha  1 $r/search/alpha  2 " "one row per tag"
	run_pod search --tls-verify=false --list-tags --format json "$r/search/alpha"
	is "$(jq -c '.[0].Tags | sort' <<<"$output")" '["1","2"]'

	run_pod search --tls-verify=false --filter is-official=true "$r/alpha"
	is "$output" "" "no catalog entry is official"
	run_pod search --tls-verify=false --filter is-official=false --format '{{.Name}}' "$r/alpha"
	is "$output" "$r/search/alpha"
	run_pod 125 search --tls-verify=false --filter foo=3 "$r/alpha"
	is "$output" 'Error: invalid filter type "foo=3"'
	run_pod 125 search --tls-verify=false --list-tags --filter stars=1 "$r/search/alpha"
	is "$output" "Error: filters are not applicable to list tags result"
	run_pod 125 search --tls-verify=false --list-tags "$r/nope"
	assert "$output" =~ "getting repository tags" "unknown repository"
}

@test "login: bearer-token registry (token with credentials, then /v2/ with the token)" {
	local dir=$PODUTILS_TMP/fake f
	mkdir -p "$dir"
	python3 "$PODUTILS_SRC/tests/helpers/fake-registry.py" "$dir/port" "$dir/log" \
		>"$dir/err" 2>&1 &
	echo $! >"$dir/pid"
	for _ in $(seq 100); do [ -s "$dir/port" ] && break; sleep 0.1; done
	f=127.0.0.1:$(cat "$dir/port")
	run_pod login --tls-verify=false -u bob -p pw "$f"
	is "$output" "Login Succeeded!"
	assert "$(cat "$dir/log")" =~ "GET /v2/ Bearer" "/v2/ asked with the token"
	run_pod 125 login --tls-verify=false -u bob -p wrong "$f"
	assert "$output" =~ "^Error: logging into \"$f\": .*invalid username/password" "bad creds"
	is "$(jq -r --arg f "$f" '.auths[$f].auth' "$XDG_RUNTIME_DIR/containers/auth.json" | base64 -d)" \
		"bob:pw" "the good credentials stay"
	kill "$(cat "$dir/pid")"
}

@test "login: credentials for one repository are used for it only" {
	local r
	r=$(reg auth)
	add_busybox_image
	printf '%s\n' "$PASS_" | "$PODMAN" login --tls-verify=false -u "$USER_" --password-stdin \
		"$r/only/this" >/dev/null
	run_pod push -q --tls-verify=false busybox "$r/only/this:1"
	run_pod 125 push -q --tls-verify=false busybox "$r/only/other:1"
	assert "$output" =~ "unauthorized" "another repository gets no credentials"
	run_pod logout "$r/only/this"
	is "$output" "Removed login credentials for $r/only/this"
}

@test "login --get-login: credentials from ~/.docker/config.json count too" {
	local r
	r=$(reg auth)
	mkdir -p "$PODUTILS_TMP/dockercfg"
	printf '{"auths":{"%s":{"auth":"%s"}}}' "$r" "$(printf '%s' "$USER_:$PASS_" | base64 -w0)" \
		>"$PODUTILS_TMP/dockercfg/config.json"
	DOCKER_CONFIG=$PODUTILS_TMP/dockercfg run_pod login --get-login "$r"
	is "$output" "$USER_"
	run_pod 125 login --get-login --authfile "$PODUTILS_TMP/dockercfg/none.json" "$r"
	is "$output" "Error: not logged into $r"
}

@test "search: a registry with the v1 search API (descriptions, stars, official, automated)" {
	local dir=$PODUTILS_TMP/fake f
	mkdir -p "$dir"
	python3 "$PODUTILS_SRC/tests/helpers/fake-registry.py" "$dir/port" "$dir/log" \
		>"$dir/err" 2>&1 &
	echo $! >"$dir/pid"
	for _ in $(seq 200); do [ -s "$dir/port" ] && break; sleep 0.1; done
	f=127.0.0.1:$(cat "$dir/port")

	run_pod search --tls-verify=false "$f/r"
	is "${lines[1]}" "$f/r/img    The one image of the fake registry, describe..." "truncated"
	is "${lines[2]}" "$f/r/other  another"
	run_pod search --tls-verify=false --no-trunc --format '{{.Description}}' "$f/r/img"
	is "$output" "The one image of the fake registry, described at some length"
	run_pod search --tls-verify=false --compatible "$f/r"
	assert "${lines[0]}" =~ "^NAME +DESCRIPTION +STARS +OFFICIAL +AUTOMATED$"
	assert "${lines[1]}" =~ " 7 +\[OK\] *$" "stars and official"
	run_pod search --tls-verify=false --filter stars=5 --format '{{.Name}}' "$f/r"
	is "$output" "$f/r/img"
	run_pod search --tls-verify=false --filter is-official=true --format '{{.Name}}' "$f/r"
	is "$output" "$f/r/img"
	run_pod search --tls-verify=false --filter is-automated=true --format '{{.Name}}' "$f/r"
	is "$output" "$f/r/other"
	run_pod search --tls-verify=false --limit 1 --format json "$f/r"
	is "$(jq length <<<"$output")" 1 "--limit"
	is "$(jq -r '.[0].Stars' <<<"$output")" 7
	kill "$(cat "$dir/pid")"
}

@test "logout: credentials from docker login are not removed" {
	local r=127.0.0.1:5999
	mkdir -p "$PODUTILS_TMP/dockercfg"
	printf '{"auths":{"%s":{"auth":"%s"}}}' "$r" "$(printf 'u:p' | base64 -w0)" \
		>"$PODUTILS_TMP/dockercfg/config.json"
	DOCKER_CONFIG=$PODUTILS_TMP/dockercfg run_pod 125 logout "$r"
	is "$output" "Error: not logged into $r with current tool. Existing credentials were established via docker login. Please use docker logout instead"
	assert "$(cat "$PODUTILS_TMP/dockercfg/config.json")" =~ "$r" "left alone"
}

@test "search and login without a registry use unqualified-search-registries" {
	local r a conf=$PODUTILS_TMP/registries.conf
	r=$(reg plain)
	a=$(reg auth)
	add_busybox_image
	run_pod push -q --tls-verify=false busybox "$r/usr/gamma:1"
	printf 'unqualified-search-registries = ["%s"]\n' "$r" >"$conf"
	CONTAINERS_REGISTRIES_CONF=$conf run_pod search --tls-verify=false --format '{{.Name}}' gamma
	is "$output" "$r/usr/gamma"
	CONTAINERS_REGISTRIES_CONF=/dev/null run_pod search --tls-verify=false gamma
	is "$output" "" "no search registries: nothing"

	printf 'unqualified-search-registries = ["%s"]\n' "$a" >"$conf"
	CONTAINERS_REGISTRIES_CONF=$conf run_pod login --tls-verify=false -u "$USER_" -p "$PASS_"
	is "$output" "Login Succeeded!"
	CONTAINERS_REGISTRIES_CONF=$conf run_pod login --get-login
	is "$output" "$USER_" "the first search registry"
	CONTAINERS_REGISTRIES_CONF=$conf run_pod logout
	is "$output" "Removed login credentials for $a"
}

@test "login over TLS: the registry's CA from --cert-dir; unknown CA refused" {
	local r
	r=$(reg authtls)
	run_pod 125 login -u "$USER_" -p "$PASS_" "$r"
	assert "$output" =~ "certificate" "unknown CA"
	run_pod login --cert-dir "$BATS_FILE_TMPDIR/authtls/certs.d/$r" -u "$USER_" -p "$PASS_" "$r"
	is "$output" "Login Succeeded!"
	run_pod 125 login --cert-dir "$BATS_FILE_TMPDIR/authtls/certs.d/$r" -u "$USER_" -p bad "$r"
	is "$output" "Error: logging into \"$r\": invalid username/password"
	add_busybox_image
	run_pod push -q --cert-dir "$BATS_FILE_TMPDIR/authtls/certs.d/$r" busybox "$r/tls/bb:1"
	run skopeo inspect --cert-dir "$BATS_FILE_TMPDIR/authtls/certs.d/$r" \
		--creds "$USER_:$PASS_" "docker://$r/tls/bb:1"
	is "$status" 0 "pushed over TLS with the login's credentials: $output"
}
