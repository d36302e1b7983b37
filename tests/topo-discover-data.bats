#!/usr/bin/env bats
# topo-discover over every real machine in ../shared/data: each hwloc XML file
# against the shapes its README counts, and each recorded /sys + /proc tree
# against util-linux lscpu (or hwloc's own lstopo -v output where lscpu cannot
# read the tree).

load test_helper/common

XMLDIR=$SHARED/data/hwloc-xml
FSDIR=$SHARED/data/hwloc-fsroot

# The trees hold ~86,000 small files: unpacked on tmpfs (/dev/shm) that takes
# seconds, on a busy disk minutes. Unpacked once for the whole file.
setup_file() {
	export TREES
	TREES=$(mktemp -d /dev/shm/topo-discover.XXXXXX 2>/dev/null) || TREES=$BATS_FILE_TMPDIR
	[ -d "$SHARED/data/hwloc-fsroot" ] || return 0
	local t
	for t in "$SHARED"/data/hwloc-fsroot/*.tar.bz2; do
		tar -xjf "$t" -C "$TREES" 2>/dev/null || true
	done
}

teardown_file() {
	case $TREES in /dev/shm/topo-discover.*) rm -rf "$TREES" ;; esac
}

# every test here reads the real machines of ../shared/data
setup() {
	need_shared data/hwloc-xml data/hwloc-fsroot
}

# "sockets numa cores cpus l3" of the document in $output
shape() {
	printf '%s' "$output" | jq -r '[(.cpus | map(.socket) | unique | length), (.numa | length),
		(.cpus | map(.core) | unique | length), (.cpus | length),
		(.cpus | map(.l3) | unique | length)] | map(tostring) | join(" ")'
}

# the README table: "file packages numa cores pus l3" per row
readme_rows() {
	awk -F'|' '$2 ~ /\.xml/ {
		for (i = 2; i <= 7; i++) gsub(/^ +| +$/, "", $i)
		print $2, $3, $4, $5, $6, $7 }' "$XMLDIR/README.md"
}

@test "every hwloc XML file has the README's sockets, NUMA nodes, cores, CPUs and L3 caches" {
	local file pkg numa cores pus l3 want got bad="" n=0
	while read -r file pkg numa cores pus l3; do
		[ -f "$XMLDIR/$file" ] || { bad+="$file: missing"$'\n'; continue; }
		run --separate-stderr topo-discover --no-devices -i "$XMLDIR/$file"
		if [ "$status" -ne 0 ]; then bad+="$file: exit $status: $stderr"$'\n'; continue; fi
		# no L3 cache: the kubelet's uncore cache is the socket
		[ "$l3" = 0 ] && l3=$pkg
		# CPU 0's NUMA node is offline: its CPUs fall back to node 0 (documented)
		[ "$file" = linux-offline-cpu0-node0.xml ] && numa=$((numa + 1))
		want="$pkg $numa $cores $pus $l3"
		got=$(shape)
		[ "$got" = "$want" ] || bad+="$file: want '$want', got '$got'"$'\n'
		n=$((n + 1))
	done < <(readme_rows)
	[ -z "$bad" ] || { printf '%s' "$bad" >&2; return 1; }
	# every file in the folder was in the table
	[ "$n" -eq "$(ls "$XMLDIR"/*.xml | wc -l)" ]
}

@test "XML: SMT siblings far apart get the lower CPU as core id (EPYC 7451 core 0 = 0,48)" {
	run --separate-stderr topo-discover --no-devices -i "$XMLDIR/cpuid-AMD-17h-Zen-2xEpyc-7451.xml"
	[ "$status" -eq 0 ]
	jq_is '[.cpus[] | select(.core == 0) | .id]' '[0,48]'
	jq_is '[.numa[] | .id]' '[0,1,2,3,4,5,6,7]'
}

@test "XML: sub-NUMA clustering keeps interleaved NUMA cpulists (memorysidecaches NUMA 0 = 0,4,8,...)" {
	run --separate-stderr topo-discover --no-devices -i "$XMLDIR/memorysidecaches.xml"
	[ "$status" -eq 0 ]
	jq_is '.numa[0].cpus' '"0,4,8,12,16,20,24,28,32,36,40,44,48,52,56,60,64,68,72,76"'
	jq_is '[.cpus[] | select(.id == 40) | .core]' '[0]'
	jq_is '[.numa[] | .distances | length]' '[4,4,4,4]'
	jq_is '.numa[0].hugepages' '{"2Mi":0,"1Gi":0}'
}

@test "XML: offline CPU 0 and node 0 give sparse ids (core of CPU 4 is 4)" {
	run --separate-stderr topo-discover --no-devices -i "$XMLDIR/linux-offline-cpu0-node0.xml"
	[ "$status" -eq 0 ]
	jq_is '.cpus[0] | [.id, .core]' '[4,4]'
	jq_is '[.numa[] | select(.id == 1) | .cpus]' '["5,7,9,11,13,15,17,19"]'
	jq_is '.hostname' '"miriel023.plafrim.cluster"'
}

@test "XML: KNL SNC-4 keeps its 4 MCDRAM nodes without CPUs" {
	run --separate-stderr topo-discover --no-devices -i "$XMLDIR/64intel64-fakeKNL-SNC4-hybrid.xml"
	[ "$status" -eq 0 ]
	jq_is '[.numa[] | select(.cpus == "") | .id]' '[4,5,6,7]'
	jq_is '[.numa[] | select(.cpus != "") | .id]' '[0,1,2,3]'
}

@test "XML: hybrid P+E cores (6 SMT2 + 8 single-thread)" {
	run --separate-stderr topo-discover --no-devices -i "$XMLDIR/linux-20em64t-hybrid-1p6c2t+2ca4co1t.xml"
	[ "$status" -eq 0 ]
	jq_is '[.cpus | group_by(.core)[] | length] | group_by(.) | map([.[0], length])' '[[1,8],[2,6]]'
}

@test "XML: GPUs get nvidia.com/gpu and their NUMA node (DGX-2: 16 V100)" {
	run --separate-stderr topo-discover -i "$XMLDIR/nvidiaDGX2.xml"
	[ "$status" -eq 0 ]
	jq_is '[.devices[] | select(.resource == "nvidia.com/gpu")] | length' '16'
	jq_is '[.devices[] | select(.resource == "nvidia.com/gpu") | .numa] | group_by(.) | map([.[0], length])' '[[0,8],[1,8]]'
	jq_is '[.devices[] | select(.resource == "nvidia.com/gpu")][0] | [.class, .vendor]' '["gpu","10de"]'
}

@test "XML: NEC vector engines are accelerators with PCI locality (all 8 behind package 0)" {
	run --separate-stderr topo-discover -i "$XMLDIR/linux-32intel64-2p8co2t+8ve.xml"
	[ "$status" -eq 0 ]
	jq_is '[.devices[] | select(.vendor == "1bcf") | .class] | unique' '["accelerator"]'
	jq_is '[.devices[] | select(.vendor == "1bcf") | .numa] | group_by(.) | map([.[0], length])' '[[0,8]]'
}

# ---- recorded /sys + /proc trees ----

# The tree's root: the folder holding sys/ (the x86+linux tarball nests it).
tree_dir() {
	local d
	for d in "$TREES/$1" "$TREES/$1/fsroot"; do
		[ -d "$d/sys/devices/system/cpu" ] && { echo "$d"; return; }
	done
	echo "$TREES/$1"
}

# check_lscpu DIR [nocores]: per CPU, our socket/core partition equals lscpu's
# (lscpu renumbers them) and our NUMA node is lscpu's (0 when lscpu has none).
check_lscpu() {
	local dir=$1 nocores=${2:-} ours theirs
	run --separate-stderr topo-discover --no-devices -r "$dir"
	[ "$status" -eq 0 ] || { echo "exit $status: $stderr" >&2; return 1; }
	ours=$(printf '%s' "$output" | jq -r '.cpus[] | "\(.id) \(.socket) \(.core) \(.numa)"')
	theirs=$(lscpu --sysroot "$dir" -p=CPU,CORE,SOCKET,NODE | grep -v '^#' | tr ',' ' ')
	[ -n "$theirs" ]
	awk -v nocores="$nocores" '
		NR == FNR { s[$1] = $2; c[$1] = $3; n[$1] = $4; ours++; next }
		{ cpus++
		  if (!($1 in s)) { print "cpu " $1 " missing"; bad = 1; next }
		  node = NF >= 4 ? $4 : 0
		  if (n[$1] != node) { print "cpu " $1 ": numa " n[$1] ", lscpu " node; bad = 1 }
		  sp[$3 " " s[$1]]; so[s[$1]]; st[$3]
		  cp[$2 " " c[$1]]; co[c[$1]]; ct[$2] }
		END {
		  if (ours != cpus) { print "cpus: ours " ours ", lscpu " cpus; bad = 1 }
		  if (length(sp) != length(so) || length(sp) != length(st)) { print "socket partitions differ"; bad = 1 }
		  if (nocores == "" && (length(cp) != length(co) || length(cp) != length(ct))) { print "core partitions differ"; bad = 1 }
		  exit bad }' <(printf '%s\n' "$ours") <(printf '%s\n' "$theirs") >&2
}

# check_lstopo DIR NAME: counts against hwloc's own lstopo -v output
check_lstopo() {
	local want got
	run --separate-stderr topo-discover --no-devices -r "$1"
	[ "$status" -eq 0 ] || { echo "exit $status: $stderr" >&2; return 1; }
	want=$(for t in Package NUMANode Core PU; do grep -cE "(^| )$t L#" "$FSDIR/$2.lstopo-v.txt"; done | xargs)
	got=$(printf '%s' "$output" | jq -r '[(.cpus | map(.socket) | unique | length), (.numa | length),
		(.cpus | map(.core) | unique | length), (.cpus | length)] | map(tostring) | join(" ")')
	[ "$got" = "$want" ] || { echo "want '$want' got '$got'" >&2; return 1; }
}

@test "every fsroot tarball is covered by a test below" {
	local known=" 128arm-2pa2n8cluster4co 16amd64-8n2c-cpusets 16em64t-4s2c2t-offlines
		20em64t-hybrid-1p6c2t+2ca4co1t 256ppc-8n8s4t 2arm-2c 32amd64-4s2n4c-cgroup2
		32em64t-2n8c+dax+nvme+mic+dimms 32intel64-2p8co2t+8ve 40intel64-2g2n4c+pcilocality
		48amd64-4pa2n6c-sparse 64amd64-4s2n4ca2co memorysidecaches nvidiagpunumanodes
		offline-cpu0-node0 x86+linux-64amd64-4p2n4ca2co "
	local t name
	for t in "$FSDIR"/*.tar.bz2; do
		name=${t##*/}; name=${name%.tar.bz2}
		case $known in *[[:space:]]"$name"[[:space:]]*) ;; *) echo "untested tarball: $name" >&2; return 1 ;; esac
	done
}

@test "fsroot 128arm-2pa2n8cluster4co (ARM clusters, no SMT) matches lscpu" {
	check_lscpu "$(tree_dir 128arm-2pa2n8cluster4co)"
}

@test "fsroot 16amd64-8n2c-cpusets (cgroup-v1 cpuset: the whole machine is reported) matches lscpu" {
	check_lscpu "$(tree_dir 16amd64-8n2c-cpusets)"
}

@test "fsroot 16em64t-4s2c2t-offlines (offline CPUs) matches lstopo -v" {
	check_lstopo "$(tree_dir 16em64t-4s2c2t-offlines)" 16em64t-4s2c2t-offlines
	jq_is '.cpus | length' '12'
}

@test "fsroot 20em64t-hybrid (P-cores SMT2 + E-cores) matches lscpu" {
	check_lscpu "$(tree_dir 20em64t-hybrid-1p6c2t+2ca4co1t)"
}

@test "fsroot 256ppc-8n8s4t (POWER7 SMT4) matches lstopo -v" {
	check_lstopo "$(tree_dir 256ppc-8n8s4t)" 256ppc-8n8s4t
	jq_is '[.cpus[] | select(.core == 0) | .id]' '[0,1,2,3]'
}

@test "fsroot 2arm-2c (no NUMA in sysfs: node 0) matches lscpu" {
	check_lscpu "$(tree_dir 2arm-2c)"
	jq_is '[.numa[].id]' '[0]'
}

@test "fsroot 32amd64-4s2n4c-cgroup2 (cgroup v2 restriction ignored) matches lscpu" {
	check_lscpu "$(tree_dir 32amd64-4s2n4c-cgroup)"
}

@test "fsroot 32em64t-2n8c+dax+nvme+mic+dimms matches lscpu and finds the NVMe and MIC" {
	local d
	d=$(tree_dir 32em64t-2n8c+1mic)
	check_lscpu "$d"
	run --separate-stderr topo-discover -r "$d"
	[ "$status" -eq 0 ]
	jq_is '[.devices[] | select(.class == "nvme") | .id]' '["0000:00:02.0"]'
	jq_is '[.devices[] | select(.class == "accelerator") | [.vendor, .numa]]' '[["8086",1]]'
	# the BMC's ASPEED VGA is listed, but not as a GPU
	jq_is '[.devices[] | select(.vendor == "1a03") | .class]' '["other"]'
}

@test "fsroot 32intel64-2p8co2t+8ve matches lscpu; 8 vector engines on NUMA node 0" {
	local d
	d=$(tree_dir 32intel64-2p8co2t+8ve)
	check_lscpu "$d"
	run --separate-stderr topo-discover -r "$d"
	[ "$status" -eq 0 ]
	jq_is '[.devices[] | select(.vendor == "1bcf") | .numa] | group_by(.) | map([.[0], length])' '[[0,8]]'
}

@test "fsroot 40intel64-2g2n4c+pcilocality matches lscpu" {
	check_lscpu "$(tree_dir 40intel64-2g2n4c+pci)"
}

@test "fsroot 48amd64-4pa2n6c-sparse (sparse ids) matches lscpu" {
	check_lscpu "$(tree_dir 48amd64-4d2n6c-sparse)"
}

@test "fsroot 64amd64-4s2n4ca2co (Bulldozer modules: cores by core_id as cadvisor) matches lscpu and lstopo -v" {
	local d
	d=$(tree_dir 64amd64-4s2n4ca2co)
	# lscpu pairs a module's two cores by thread_siblings; cadvisor and hwloc
	# count core_id, so cores are compared with hwloc's own output
	check_lscpu "$d" nocores
	check_lstopo "$d" 64amd64-4s2n4ca2co
}

@test "fsroot memorysidecaches (SNC-2, 2M + 1G hugepages) matches lscpu" {
	check_lscpu "$(tree_dir memorysidecaches)"
	run --separate-stderr topo-discover --no-devices -r "$(tree_dir memorysidecaches)"
	[ "$status" -eq 0 ]
	jq_is '[.numa[] | .hugepages | keys] | unique' '[["1Gi","2Mi"]]'
}

@test "fsroot nvidiagpunumanodes matches lscpu and keeps the 6 GPU-memory NUMA nodes cadvisor sees" {
	local d
	d=$(tree_dir nvidiagpunumanodes)
	check_lscpu "$d"
	# sysfs lists them, so the Topology Manager counts them (hwloc hides them by default)
	jq_is '[.numa[] | select(.cpus == "") | .id]' '[250,251,252,253,254,255]'
	jq_is '[.numa[] | select(.cpus == "") | .memory] | unique' '[16106127360]'
	jq_is '[.numa[] | .distances | length] | unique' '[8]'
	[ "$(ls -d "$d"/sys/devices/system/node/node[0-9]* | wc -l)" -eq 8 ]
}

@test "fsroot offline-cpu0-node0 matches lscpu (CPUs of the offline node fall back to node 0)" {
	check_lscpu "$(tree_dir offline-cpu0-node0)"
}

@test "fsroot x86+linux-64amd64-4p2n4ca2co (sysfs part) matches lscpu" {
	check_lscpu "$(tree_dir 64amd64-4p2n4ca2co)" nocores
}

@test "every fsroot tree: NUMA memory and hugepages per node match the tree's sysfs" {
	local d node id got want bad="" kb name n=0
	for d in "$TREES"/*/ "$TREES"/*/fsroot/; do
		[ -d "$d/sys/devices/system/node" ] || continue
		n=$((n + 1))
		run --separate-stderr topo-discover --no-devices -r "$d"
		[ "$status" -eq 0 ] || { bad+="$d: exit $status"$'\n'; continue; }
		for node in "$d"/sys/devices/system/node/node[0-9]*; do
			id=${node##*node}
			[ -f "$node/meminfo" ] || continue
			want=$(awk '/MemTotal/ { printf "%.0f", $4 * 1024 }' "$node/meminfo")
			got=$(printf '%s' "$output" | jq ".numa[] | select(.id == $id) | .memory")
			[ "$got" = "$want" ] || bad+="${d#$TREES/} node $id: memory $got, sysfs $want"$'\n'
			for kb in "$node"/hugepages/hugepages-*kB; do
				[ -f "$kb/nr_hugepages" ] || continue
				kb=${kb##*hugepages-}; kb=${kb%kB}
				if [ $((kb % 1048576)) -eq 0 ]; then name=$((kb / 1048576))Gi
				elif [ $((kb % 1024)) -eq 0 ]; then name=$((kb / 1024))Mi
				else name=${kb}Ki; fi
				want=$(cat "$node/hugepages/hugepages-${kb}kB/nr_hugepages")
				got=$(printf '%s' "$output" | jq ".numa[] | select(.id == $id) | .hugepages[\"$name\"]")
				[ "$got" = "$want" ] || bad+="${d#$TREES/} node $id: hugepages $name $got, sysfs $want"$'\n'
			done
		done
	done
	[ -z "$bad" ] || { printf '%s' "$bad" >&2; return 1; }
	echo "# $n trees" >&3
	[ "$n" -ge 15 ]
}

@test "XML: arm64 hugepage sizes are named as the kubelet names them (64Ki 2Mi 32Mi 1Gi)" {
	run --separate-stderr topo-discover --no-devices -i "$XMLDIR/linux-128arm-2pa2n8cluster4co.xml"
	[ "$status" -eq 0 ]
	jq_is '.numa[0].hugepages | keys_unsorted' '["64Ki","2Mi","32Mi","1Gi"]'
}

@test "every fsroot tree with 2+ NUMA nodes: distances are the rows of sysfs node*/distance" {
	local d node id got want bad="" ids n=0
	for d in "$TREES"/*/ "$TREES"/*/fsroot/; do
		ids=$(ls -d "$d"/sys/devices/system/node/node[0-9]* 2>/dev/null | sed 's/.*node//' | sort -n | xargs)
		[ "$(wc -w <<<"$ids")" -ge 2 ] || continue
		run --separate-stderr topo-discover --no-devices -r "$d"
		[ "$status" -eq 0 ] || { bad+="$d: exit $status"$'\n'; continue; }
		got=$(printf '%s' "$output" | jq -r '[.numa[].id] | map(tostring) | join(" ")')
		[ "$got" = "$ids" ] || { bad+="${d#$TREES/}: numa ids '$got', sysfs '$ids'"$'\n'; continue; }
		for id in $ids; do
			want=$(xargs <"$d/sys/devices/system/node/node$id/distance")
			got=$(printf '%s' "$output" | jq -r ".numa[] | select(.id == $id) | .distances | map(tostring) | join(\" \")")
			[ "$got" = "$want" ] || bad+="${d#$TREES/} node $id: '$got', sysfs '$want'"$'\n'
		done
		n=$((n + 1))
	done
	[ -z "$bad" ] || { printf '%s' "$bad" >&2; return 1; }
	[ "$n" -ge 8 ]
}

@test "every fsroot tree: l3 groups the CPUs that share a level-3 cache in sysfs, by its id when sysfs has one" {
	local d c cpu idx l3 bad="" ours theirs n=0
	for d in "$TREES"/*/ "$TREES"/*/fsroot/; do
		[ -d "$d/sys/devices/system/cpu/cpu0/cache" ] || continue
		run --separate-stderr topo-discover --no-devices -r "$d"
		[ "$status" -eq 0 ] || { bad+="$d: exit $status"$'\n'; continue; }
		ours=$(printf '%s' "$output" | jq -r '.cpus[] | "\(.id) \(.l3) \(.socket)"')
		# cpu, then its level-3 cache's id, or its shared_cpu_map when sysfs
		# has no id (older kernels), or "none"; one grep over the tree
		theirs=$(cd "$d/sys/devices/system/cpu" &&
			grep -H . cpu[0-9]*/cache/index[0-9]*/level cpu[0-9]*/cache/index[0-9]*/id \
				cpu[0-9]*/cache/index[0-9]*/shared_cpu_map 2>/dev/null |
			awk -F: '{ split($1, p, "/"); k = p[1] "/" p[3]; f = p[4]
				  v[k, f] = $2; idx[k] = p[1] }
				END { for (k in idx) if (v[k, "level"] == 3) {
					c = substr(idx[k], 4)
					l3[c] = ((k, "id") in v) ? "id:" v[k, "id"] : "map:" v[k, "shared_cpu_map"] }
				  for (c in l3) print c, l3[c] }')
		theirs=$(printf '%s\n' "$ours" | awk 'NR == FNR { t[$1] = $2; next } { print $1, ($1 in t) ? t[$1] : "none" }' \
			<(printf '%s\n' "$theirs") -)
		awk 'NR == FNR { l3[$1] = $2; s[$1] = $3; next }
			$2 == "none" { if (l3[$1] != s[$1]) { print "cpu " $1 ": no L3, l3 " l3[$1] " != socket " s[$1]; bad = 1 } next }
			$2 ~ /^id:/ && substr($2, 4) != l3[$1] { print "cpu " $1 ": l3 " l3[$1] ", sysfs " $2; bad = 1 }
			{ p[$2 " " l3[$1]]; a[$2]; b[l3[$1]] }
			END { if (length(p) != length(a) || length(p) != length(b)) { print "L3 partitions differ"; bad = 1 }
			      exit bad }' <(printf '%s\n' "$ours") <(printf '%s\n' "$theirs") >&2 ||
			bad+="${d#$TREES/}: l3 differs"$'\n'
		n=$((n + 1))
	done
	[ -z "$bad" ] || { printf '%s' "$bad" >&2; return 1; }
	[ "$n" -ge 10 ]
}

# A resource map naming every PCI base class: with it every device is listed,
# so the I/O filter's "all" is compared too.
every_class_map() {
	local c
	for c in 00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f 10 11 12 13 ff; do
		printf -- '- class: "%s"\n  resource: example.com/class-%s\n' "$c" "$c"
	done >"$BATS_TEST_TMPDIR/every-class.yaml"
}

@test "every recorded tree with PCI devices: the devices and their NUMA nodes are hwloc's own (lstopo -i TREE --of xml, read back)" {
	command -v lstopo-no-graphics >/dev/null || skip "lstopo-no-graphics (Debian's hwloc) is not installed"
	local d filter theirs bad="" n=0 map
	every_class_map
	for d in "$TREES"/*/ "$TREES"/*/fsroot/; do
		[ -n "$(ls -A "$d/sys/bus/pci/devices" 2>/dev/null)" ] || continue
		for filter in important all; do
			map=()
			[ "$filter" = all ] && map=(--resource-map "$BATS_TEST_TMPDIR/every-class.yaml")
			lstopo-no-graphics -i "$d" --filter "io:$filter" --of xml >"$BATS_TEST_TMPDIR/hwloc.xml" 2>/dev/null
			run --separate-stderr topo-discover -i "$BATS_TEST_TMPDIR/hwloc.xml" "${map[@]}"
			[ "$status" -eq 0 ] || { bad+="${d#$TREES/} $filter: -i exit $status"$'\n'; continue; }
			theirs=$(printf '%s' "$output" | jq -c .devices)
			run --separate-stderr topo-discover -r "$d" "${map[@]}"
			[ "$status" -eq 0 ] || { bad+="${d#$TREES/} $filter: -r exit $status"$'\n'; continue; }
			jq_is .devices "$theirs" || bad+="${d#$TREES/} io:$filter differs"$'\n'
			n=$((n + 1))
		done
	done
	[ -z "$bad" ] || { printf '%s' "$bad" >&2; return 1; }
	echo "# $n comparisons" >&3
	# 32em64t (137 functions, bridges), 32intel64+8ve, 40intel64+pcilocality, nvidiagpunumanodes
	[ "$n" -ge 8 ]
}

@test "a recorded tree's PCI config space is read for bridges only (strace counts the opens)" {
	command -v strace >/dev/null || skip "strace is not installed"
	local d bridges opens
	d=$(tree_dir 32em64t-2n8c+1mic)
	bridges=$(grep -l '^0x0604' "$d"/sys/bus/pci/devices/*/class | wc -l)
	[ "$bridges" -gt 0 ]
	# LeakSanitizer cannot run under a tracer (the other tests check leaks)
	ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" \
		run strace -f -qq -e trace=openat,open,openat2 -o "$BATS_TEST_TMPDIR/trace" \
		"$TK_BIN/topo-discover" -r "$d"
	[ "$status" -eq 0 ]
	opens=$(grep -cE '[/"]config"' "$BATS_TEST_TMPDIR/trace")
	echo "# $opens config opens, $bridges bridges, $(ls "$d/sys/bus/pci/devices" | wc -l) functions" >&3
	[ "$opens" -eq "$bridges" ]
}
