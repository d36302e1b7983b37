#!/usr/bin/env bats
# numa-verify --pod NAMESPACE/NAME: the UID from the kubelet's log directory
# names, /var/log/pods/<namespace>_<name>_<uid>.
load test_helper/common

NV=$BATS_TEST_DIRNAME/fixtures/numa-verify
STATE=(--cpu-manager-state var/lib/kubelet/cpu_manager_state)
U1=6f1a7c2e-0b1d-4c55-9a0e-1d2f3a4b5c61
U2=8e2b9d3f-1c2e-4d66-8b1f-2e3a4b5c6d72

setup() {
	NODE=$BATS_TEST_TMPDIR/node
	cp -r "$NV/2n-smt" "$NODE"
	mkdir -p "$NODE/var/log/pods/shop_db-0_$U1/db" "$NODE/var/log/pods/shop_db-0_$U2/db" \
		"$NODE/var/log/pods/shop_db-00_$U2" "$NODE/var/log/pods/shop_db-0_not-a-uid"
	# the U2 directory is an older pod of the same name
	touch -d '2020-01-01' "$NODE/var/log/pods/shop_db-0_$U2"
}

@test "--pod NAMESPACE/NAME finds the newest pod of that name and judges its containers" {
	run -0 --separate-stderr numa-verify --root "$NODE" --pod shop/db-0 "${STATE[@]}"
	jq_is '[.containers[].pod] | unique' "[\"$U1\"]"
	# the same pod by UID gives the same report
	local by_name=$output
	run -0 --separate-stderr numa-verify --root "$NODE" --pod "$U1" "${STATE[@]}"
	[ "$output" = "$by_name" ]
	# once the newer directory is gone, the name is the older, misaligned pod
	rm -r "$NODE/var/log/pods/shop_db-0_$U1"
	run -1 --separate-stderr numa-verify --root "$NODE" --pod shop/db-0 "${STATE[@]}"
	jq_is '[.containers[].pod] | unique' "[\"$U2\"]"
}

@test "--pod NAMESPACE/NAME: an unknown pod, a bad name and no log directory are input errors" {
	run -2 --separate-stderr numa-verify --root "$NODE" --pod shop/db
	[ "$stderr" = "numa-verify: pod 'shop/db' not found in /var/log/pods" ]
	run -2 --separate-stderr numa-verify --root "$NODE" --pod shop_x/db-0
	stderr_has "invalid --pod value 'shop_x/db-0' (want a UID or NAMESPACE/NAME)"
	run -2 --separate-stderr numa-verify --root "$NV/2n-smt" --pod shop/db-0
	stderr_has "cannot read /var/log/pods"
}
