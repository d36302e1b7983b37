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
	# the same pod by UID gives the same report (not again under valgrind:
	# the same code as any --pod UID)
	local by_name=$output
	if [ -z "${TK_VALGRIND:-}" ]; then
		run -0 --separate-stderr numa-verify --root "$NODE" --pod "$U1" "${STATE[@]}"
		[ "$output" = "$by_name" ]
	fi
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

# kubelet_root DIR: a node whose kubelet runs with a config file saying
# cpuManagerPolicy none and a flag saying static
kubelet_root() {
	mkdir -p "$1/proc/4242" "$1/proc/77" "$1/var/lib/kubelet"
	printf 'bash\n' >"$1/proc/77/comm"
	printf 'kubelet\n' >"$1/proc/4242/comm"
	printf '/usr/bin/kubelet\0--config=/var/lib/kubelet/config.yaml\0--cpu-manager-policy\0static\0--reserved-cpus=0-1\0--v=2\0' \
		>"$1/proc/4242/cmdline"
	printf 'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\ncpuManagerPolicy: none\ntopologyManagerPolicy: single-numa-node\n' \
		>"$1/var/lib/kubelet/config.yaml"
}

@test "--kubelet-config running: the running kubelet's flags win over its --config file" {
	kubelet_root "$NODE"
	run -0 --separate-stderr numa-verify --root "$NODE" --kubelet-config running
	jq_is '.kubeletConfig | [.file, .cpuManagerPolicy, .topologyManagerPolicy, .valid]' \
		'["kubelet pid 4242: /var/lib/kubelet/config.yaml","static","single-numa-node",true]'
	# the same file without the flags: nothing is aligned, which is a warning
	run -0 --separate-stderr numa-verify --root "$NODE" --kubelet-config var/lib/kubelet/config.yaml
	jq_is '.kubeletConfig | [.cpuManagerPolicy, (.warnings | length)]' '["none",1]'
}

@test "--kubelet-config running: without a kubelet process, kubeadm-flags.env and kubeadm's config file" {
	kubelet_root "$NODE"
	rm -r "$NODE/proc/4242"
	run -2 --separate-stderr numa-verify --root "$NODE" --kubelet-config running
	stderr_has "--kubelet-config running: no kubelet process in /proc and no /var/lib/kubelet/kubeadm-flags.env"
	printf 'KUBELET_KUBEADM_ARGS="--container-runtime-endpoint=unix:///run/containerd/containerd.sock --cpu-manager-policy=static"\n' \
		>"$NODE/var/lib/kubelet/kubeadm-flags.env"
	# static without any CPU reservation: the kubelet would not start
	run -1 --separate-stderr numa-verify --root "$NODE" --kubelet-config running
	jq_is '.kubeletConfig | [.file, .cpuManagerPolicy, .valid]' \
		'["/var/lib/kubelet/kubeadm-flags.env: /var/lib/kubelet/config.yaml","static",false]'
	jq_is '.kubeletConfig.problems[0] | startswith("[cpumanager] unable to determine reserved CPU resources")' 'true'
}
