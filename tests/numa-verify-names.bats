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
	[ "$stderr" = "numa-verify: pod 'shop/db' not found in /var/log/pods nor among the names of the containers under kubepods" ]
	run -2 --separate-stderr numa-verify --root "$NODE" --pod shop_x/db-0
	stderr_has "invalid --pod value 'shop_x/db-0' (want a UID or NAMESPACE/NAME)"
	run -2 --separate-stderr numa-verify --root "$NV/2n-smt" --pod shop/db-0
	stderr_has "pod 'shop/db-0' not found in /var/log/pods nor among the names"
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

U3=a13c0e4a-2d3f-4e77-9c2a-3f4b5c6d7e83
U4=b24d1f5b-3e4a-4f88-8d3b-4a5c6d7e8f94
A=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
B=bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb
C=cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc
D=dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd
E=eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee

# bundle DIR ID JSON: containerd's OCI bundle config.json of a container
bundle() {
	mkdir -p "$1/run/containerd/io.containerd.runtime.v2.task/k8s.io/$2"
	printf '%s\n' "$3" >"$1/run/containerd/io.containerd.runtime.v2.task/k8s.io/$2/config.json"
}

# named_root DIR: 2n-smt whose containers are named by each source the node has
named_root() {
	rm -rf "$1/var/log/pods"
	# containerd's annotations: the sandbox and the db container of shop/db-0
	bundle "$1" "$A" "{\"ociVersion\":\"1.1.0\",\"annotations\":{\"io.kubernetes.cri.container-type\":\"sandbox\",\"io.kubernetes.cri.sandbox-name\":\"db-0\",\"io.kubernetes.cri.sandbox-namespace\":\"shop\",\"io.kubernetes.cri.sandbox-uid\":\"$U1\"}}"
	bundle "$1" "$B" "{\"annotations\":{\"io.kubernetes.cri.container-type\":\"container\",\"io.kubernetes.cri.container-name\":\"db\",\"io.kubernetes.cri.sandbox-name\":\"db-0\",\"io.kubernetes.cri.sandbox-namespace\":\"shop\",\"io.kubernetes.cri.sandbox-uid\":\"$U1\"}}"
	# the kubelet's log link: prod/web-7d9's app
	mkdir -p "$1/var/log/containers" "$1/var/log/pods/prod_web-7d9_$U2/app"
	ln -s "/var/log/pods/prod_web-7d9_$U2/app/0.log" "$1/var/log/containers/web-7d9_prod_app-$C.log"
	# only the pod's log directory and the kubelet's pod directory: one name left
	mkdir -p "$1/var/log/pods/kv_redis-0_$U3/cache" "$1/var/lib/kubelet/pods/$U3/containers/cache"
	# the Burstable pod: a bundle of another pod, a link into another pod's logs,
	# two log directories that disagree on its name
	bundle "$1" "$E" "{\"annotations\":{\"io.kubernetes.cri.container-name\":\"evil\",\"io.kubernetes.cri.sandbox-uid\":\"$U1\"}}"
	ln -s "/var/log/pods/prod_web-7d9_$U2/app/0.log" "$1/var/log/containers/x_prod_evil-$E.log"
	mkdir -p "$1/var/log/pods/a_one_$U4/nginx" "$1/var/log/pods/b_two_$U4/nginx"
}

@test "--all: namespace, pod and container names from containerd's bundles, log links and pod directories; --pod NAMESPACE/NAME by them" {
	named_root "$NODE"
	run -1 --separate-stderr numa-verify --root "$NODE" --all
	jq_is '[.containers[] | [.namespace, .podName, .name, .nameFrom, .sandbox]]' \
		'[["shop","db-0",null,null,true],["shop","db-0","db","runtime",false],["prod","web-7d9","app","log-link",false],["kv","redis-0","cache","pod-logs",false],[null,null,null,null,false]]'
	run -1 --separate-stderr numa-verify --root "$NODE" --pod "$U1" --pod "$U2" -o text
	output_has "pod shop/db-0 $U1 container db bbbbbbbbbbbb (containerd, guaranteed) cpus 2-3,18-19: aligned"
	output_has "pod prod/web-7d9 $U2 container app cccccccccccc (containerd, guaranteed) cpus 7-8,23-24: misaligned"
	run -1 --separate-stderr numa-verify --root "$NODE" --all -o prometheus
	output_has "topokit_numa_verify_misaligned_container{namespace=\"prod\",pod=\"web-7d9\",pod_uid=\"$U2\",container_id=\"$C\",container=\"app\",numa_nodes=\"0-1\"} 1"
	if command -v promtool >/dev/null; then
		printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/nv.prom"
		run -0 promtool check metrics <"$BATS_TEST_TMPDIR/nv.prom"
	fi
	# --pod NAMESPACE/NAME that /var/log/pods does not know: the containers' names
	run -0 --separate-stderr numa-verify --root "$NODE" --pod shop/db-0
	jq_is '[.containers[].pod] | unique' "[\"$U1\"]"
	# two pods of one name (a bundle of another pod claiming it): no guess
	bundle "$NODE" "$D" "{\"annotations\":{\"io.kubernetes.cri.container-name\":\"x\",\"io.kubernetes.cri.sandbox-name\":\"db-0\",\"io.kubernetes.cri.sandbox-namespace\":\"shop\",\"io.kubernetes.cri.sandbox-uid\":\"$U3\"}}"
	run -2 --separate-stderr numa-verify --root "$NODE" --pod shop/db-0
	[ "$stderr" = "numa-verify: pod 'shop/db-0' is two pods on this node (UIDs $U1 and $U3): give one UID" ]
}

@test "names from CRI-O's bundle (its labels annotation) and cri-dockerd's labels; the runtime's type decides the sandbox" {
	local off=$BATS_TEST_TMPDIR/off pod2
	cp -r "$NV/2n-smt-offline" "$off"
	# D: CRI-O's bundle in /var/lib (the run directory has none) names it
	# only through io.kubernetes.cri-o.Labels, a JSON string
	mkdir -p "$off/var/lib/containers/storage/overlay-containers/$D/userdata" \
		"$off/run/containers/storage/overlay-containers/$B/userdata" "$off/var/lib/docker/containers/$C"
	printf '{"annotations":{"io.kubernetes.cri-o.ContainerType":"container","io.kubernetes.cri-o.Labels":"{\\"io.kubernetes.container.name\\":\\"cache\\",\\"io.kubernetes.pod.name\\":\\"redis-0\\",\\"io.kubernetes.pod.namespace\\":\\"kv\\"}"}}\n' \
		>"$off/var/lib/containers/storage/overlay-containers/$D/userdata/config.json"
	# B: a container the runtime calls a sandbox is one, whatever runs in it
	printf '{"annotations":{"io.kubernetes.cri-o.ContainerType":"sandbox","io.kubernetes.pod.name":"db-0","io.kubernetes.pod.namespace":"shop"}}\n' \
		>"$off/run/containers/storage/overlay-containers/$B/userdata/config.json"
	# C: run by cri-dockerd, its labels in docker's config.v2.json
	pod2=$off/sys/fs/cgroup/kubepods.slice/kubepods-pod${U2//-/_}.slice
	mv "$pod2/crio-$C.scope" "$pod2/docker-$C.scope"
	printf '{"ID":"%s","Config":{"Labels":{"io.kubernetes.container.name":"app","io.kubernetes.docker.type":"container","io.kubernetes.pod.name":"web-7d9","io.kubernetes.pod.namespace":"prod","io.kubernetes.pod.uid":"%s"}}}\n' "$C" "$U2" \
		>"$off/var/lib/docker/containers/$C/config.v2.json"
	run -1 --separate-stderr numa-verify --root "$off" --container "$B" --container "$C" --container "$D"
	jq_is '[.containers[] | [.namespace, .podName, .name, .nameFrom, .runtime, .sandbox, .verdict]]' \
		'[["shop","db-0",null,null,"cri-o",true,"shared"],["prod","web-7d9","app","runtime","docker",false,"misaligned"],["kv","redis-0","cache","runtime","cri-o",false,"misaligned"]]'
}

@test "names under the cgroupfs driver (kubepods/burstable/pod<uid>/<id>, the runtime by its socket)" {
	local four=$BATS_TEST_TMPDIR/four id=2222222222222222222222222222222222222222222222222222222222222222
	cp -r "$NV/4n-smt" "$four"
	bundle "$four" "$id" "{\"annotations\":{\"io.kubernetes.cri.container-type\":\"container\",\"io.kubernetes.cri.container-name\":\"nginx\",\"io.kubernetes.cri.sandbox-name\":\"web-0\",\"io.kubernetes.cri.sandbox-namespace\":\"edge\",\"io.kubernetes.cri.sandbox-uid\":\"$U4\"}}"
	run -0 --separate-stderr numa-verify --root "$four" --container 2222 -o text
	output_has "pod edge/web-0 $U4 container nginx 222222222222 (containerd, burstable) cpus "
}

@test "names from k3s's containerd (its bundles and socket under /run/k3s/containerd), cgroupfs driver" {
	local k3s=$BATS_TEST_TMPDIR/k3s id=2222222222222222222222222222222222222222222222222222222222222222 b
	cp -r "$NV/4n-smt" "$k3s"
	mkdir -p "$k3s/run/k3s"
	mv "$k3s/run/containerd" "$k3s/run/k3s/containerd"
	b=$k3s/run/k3s/containerd/io.containerd.runtime.v2.task/k8s.io/$id
	mkdir -p "$b"
	printf '{"annotations":{"io.kubernetes.cri.container-type":"container","io.kubernetes.cri.container-name":"nginx","io.kubernetes.cri.sandbox-name":"web-0","io.kubernetes.cri.sandbox-namespace":"edge","io.kubernetes.cri.sandbox-uid":"%s"}}\n' "$U4" >"$b/config.json"
	run -0 --separate-stderr numa-verify --root "$k3s" --container 2222 -o text
	output_has "pod edge/web-0 $U4 container nginx 222222222222 (containerd, burstable) cpus "
}
