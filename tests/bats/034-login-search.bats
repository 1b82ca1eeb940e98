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
}

teardown_file() {
	source "$REG_SH"
	local r
	for r in plain auth; do
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
