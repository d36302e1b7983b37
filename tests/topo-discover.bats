#!/usr/bin/env bats
# topo-discover: synthetic shapes, this machine, saved documents (-t), the
# text and NodeResourceTopology renderings, the resource map, bad input.
# The real machines of ../shared/data are in topo-discover-data.bats (the
# tests here that read one skip without ../shared).

load test_helper/common

FIX=$FIXTURES/topo-discover
XMLDIR=$SHARED/data/hwloc-xml

# "sockets numa cores cpus l3" of the document in $output
shape() {
	printf '%s' "$output" | jq -r '[(.cpus | map(.socket) | unique | length), (.numa | length),
		(.cpus | map(.core) | unique | length), (.cpus | length),
		(.cpus | map(.l3) | unique | length)] | map(tostring) | join(" ")'
}

# ---- synthetic shapes ----

@test "synthetic shapes have the sockets, NUMA nodes, cores, CPUs and L3 they describe" {
	local bad="" desc want got
	# description | sockets numa cores cpus l3 (no L3 level: one per socket)
	while IFS='|' read -r desc want; do
		run --separate-stderr topo-discover --synthetic "$desc"
		[ "$status" -eq 0 ] || { bad+="$desc: exit $status $stderr"$'\n'; continue; }
		got=$(shape)
		[ "$got" = "$want" ] || bad+="$desc: want '$want' got '$got'"$'\n'
	done <<-'EOF'
	package:2 numa:2 core:4 pu:2|2 4 16 32 2
	package:2 numa:2 core:8 pu:2|2 4 32 64 2
	pu:4|1 1 4 4 1
	core:8 pu:1|1 1 8 8 1
	package:2 l3:2 core:4 pu:2|2 1 16 32 4
	package:1 numa:4 core:2 pu:2|1 4 8 16 1
	numa:2 package:2 core:2 pu:1|4 2 8 8 4
	package:4 core:2 pu:4|4 1 8 32 4
	EOF
	[ -z "$bad" ] || { printf '%s' "$bad" >&2; return 1; }
}

@test "synthetic: core id is the core's lowest CPU, and every id is a PU os index" {
	run --separate-stderr topo-discover -s "package:2 core:2 pu:2"
	[ "$status" -eq 0 ]
	jq_is '[.cpus[] | [.id, .core, .socket, .numa, .l3]]' \
		'[[0,0,0,0,0],[1,0,0,0,0],[2,2,0,0,0],[3,2,0,0,0],[4,4,1,0,1],[5,4,1,0,1],[6,6,1,0,1],[7,6,1,0,1]]'
	# hwloc gives a synthetic NUMA node 1 GiB unless told otherwise
	jq_is '.numa' '[{"id":0,"cpus":"0-7","memory":1073741824,"hugepages":{},"distances":[]}]'
}

@test "synthetic: the document's fields come in the documented order" {
	run --separate-stderr topo-discover -s "numa:2 pu:2"
	[ "$status" -eq 0 ]
	jq_is 'keys_unsorted' '["kind","apiVersion","cpus","numa","devices"]'
	jq_is '.cpus[0] | keys_unsorted' '["id","core","socket","numa","l3"]'
	jq_is '.numa[0] | keys_unsorted' '["id","cpus","memory","hugepages","distances"]'
	[ "${output: -1}" = "}" ]
}

@test "synthetic: NUMA memory and distances from the description" {
	run --separate-stderr topo-discover -s "numa:2(memory=2GiB) pu:2"
	[ "$status" -eq 0 ]
	jq_is '[.numa[].memory]' '[2147483648,2147483648]'
}

@test "acceptance: --synthetic 'package:2 numa:2 core:4 pu:2' gives 32 CPUs as JSON" {
	run --separate-stderr topo-discover --synthetic "package:2 numa:2 core:4 pu:2"
	[ "$status" -eq 0 ]
	jq_is '.cpus | length' '32'
	[ -z "$stderr" ]
}

# ---- this machine ----

@test "live: CPUs, cores, sockets and NUMA nodes match lscpu and /sys" {
	command -v lscpu >/dev/null || skip "no lscpu"
	local ours theirs online
	run --separate-stderr topo-discover --no-devices
	[ "$status" -eq 0 ]
	ours=$(printf '%s' "$output" | jq -r '.cpus[] | "\(.id) \(.socket) \(.core) \(.numa)"')
	theirs=$(lscpu -p=CPU,CORE,SOCKET,NODE | grep -v '^#' | tr ',' ' ')
	awk 'NR == FNR { s[$1] = $2; c[$1] = $3; n[$1] = $4; ours++; next }
		{ cpus++
		  if (!($1 in s)) { print "cpu " $1 " missing"; bad = 1; next }
		  node = NF >= 4 ? $4 : 0
		  if (n[$1] != node) { print "cpu " $1 ": numa " n[$1] ", lscpu " node; bad = 1 }
		  sp[$3 " " s[$1]]; so[s[$1]]; st[$3]; cp[$2 " " c[$1]]; co[c[$1]]; ct[$2] }
		END { if (ours != cpus) { print "cpus: ours " ours ", lscpu " cpus; bad = 1 }
		  if (length(sp) != length(so) || length(sp) != length(st)) { print "sockets differ"; bad = 1 }
		  if (length(cp) != length(co) || length(cp) != length(ct)) { print "cores differ"; bad = 1 }
		  exit bad }' <(printf '%s\n' "$ours") <(printf '%s\n' "$theirs") >&2
	# the online list in sysfs is the CPUs we report
	online=$(cat /sys/devices/system/cpu/online)
	jq_is '[.cpus[].id] | length' "$(awk -F, '{ for (i = 1; i <= NF; i++) { split($i, r, "-"); n += (r[2] == "" ? 1 : r[2] - r[1] + 1) } } END { print n }' <<<"$online")"
	jq_is '.hostname' "\"$(hostname)\""
}

@test "live: NUMA node cpulists and memory match /sys/devices/system/node" {
	[ -d /sys/devices/system/node/node0 ] || skip "no NUMA in sysfs"
	local n id
	run --separate-stderr topo-discover --no-devices
	[ "$status" -eq 0 ]
	for n in /sys/devices/system/node/node[0-9]*; do
		id=${n##*node}
		jq_is ".numa[] | select(.id == $id) | .cpus" "\"$(cat "$n/cpulist")\""
		jq_is ".numa[] | select(.id == $id) | .memory" \
			"$(awk '/MemTotal/ { printf "%.0f\n", $4 * 1024 }' "$n/meminfo")"
	done
}

@test "live: devices are PCI addresses with hex ids, and --no-devices drops them" {
	run --separate-stderr topo-discover
	[ "$status" -eq 0 ]
	jq_is '[.devices[] | (.id | test("^[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\\.[0-7]$")) and (.vendor | test("^[0-9a-f]{4}$"))] | all' 'true'
	run --separate-stderr topo-discover --no-devices
	[ "$status" -eq 0 ]
	jq_is '.devices' '[]'
}

@test "live: the devices, their NUMA nodes and names are lstopo's (its XML read back), with and without a map" {
	command -v lstopo-no-graphics >/dev/null || skip "lstopo-no-graphics (Debian's hwloc) is not installed"
	local c filter map theirs
	for c in 00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f 10 11 12 13 ff; do
		printf -- '- class: "%s"\n  resource: example.com/class-%s\n' "$c" "$c"
	done >"$BATS_TEST_TMPDIR/every-class.yaml"
	for filter in important all; do
		map=()
		[ "$filter" = all ] && map=(--resource-map "$BATS_TEST_TMPDIR/every-class.yaml")
		lstopo-no-graphics --filter "io:$filter" --of xml >"$BATS_TEST_TMPDIR/hwloc.xml"
		run --separate-stderr topo-discover -i "$BATS_TEST_TMPDIR/hwloc.xml" "${map[@]}"
		[ "$status" -eq 0 ]
		theirs=$(printf '%s' "$output" | jq -c .devices)
		run --separate-stderr topo-discover "${map[@]}"
		[ "$status" -eq 0 ]
		jq_is .devices "$theirs"
	done
}

@test "live: device names come from pci.ids as libpciaccess reads it (lstopo in a private mount with a made-up database)" {
	command -v lstopo-no-graphics >/dev/null || skip "lstopo-no-graphics (Debian's hwloc) is not installed"
	[ "$(id -u)" -eq 0 ] && unshare -m true 2>/dev/null || skip "needs root and unshare -m to mount a database"
	local db=$BATS_TEST_TMPDIR/misc f v dev long theirs n=0
	mkdir -p "$db"
	# every device of this machine, one name longer than libpciaccess's
	# 128-byte line, a comment and a subsystem line under each
	long=$(printf 'long name %0150d' 0)
	{
		echo "# made-up database for topokit's test"
		for f in /sys/bus/pci/devices/*; do
			v=$(cut -c3- "$f/vendor"); dev=$(cut -c3- "$f/device")
			printf '%s  Vendor %s\n\t%s  %s\n\t\t%s %s  Subsystem name\n' "$v" "$v" "$dev" \
				"$([ $n -eq 0 ] && echo "$long" || echo "Device $v:$dev")" "$v" "$dev"
			n=$((n + 1))
		done
	} >"$db/pci.ids"
	[ "$n" -gt 0 ] || skip "this machine has no PCI devices"
	unshare -m sh -c 'mount --bind "$1" /usr/share/misc && lstopo-no-graphics --filter io:all --of xml' \
		sh "$db" >"$BATS_TEST_TMPDIR/hwloc.xml"
	printf -- '- vendor: "%s"\n  resource: example.com/any\n' $(cut -c3- /sys/bus/pci/devices/*/vendor | sort -u) \
		>"$BATS_TEST_TMPDIR/map.yaml"
	run --separate-stderr topo-discover -i "$BATS_TEST_TMPDIR/hwloc.xml" --resource-map "$BATS_TEST_TMPDIR/map.yaml"
	[ "$status" -eq 0 ]
	theirs=$(printf '%s' "$output" | jq -c '[.devices[] | [.id, .name]]')
	[[ $theirs == *'"long name 0'* ]]
	run --separate-stderr unshare -m sh -c 'mount --bind "$1" /usr/share/misc && shift && exec "$@"' \
		sh "$db" "$TK_BIN/topo-discover" --resource-map "$BATS_TEST_TMPDIR/map.yaml"
	[ "$status" -eq 0 ]
	jq_is '[.devices[] | [.id, .name]]' "$theirs"
}

@test "--fsroot: hostile PCI files (FIFOs, a huge cpumask, links out of the tree) neither hang nor leave the tree" {
	local r=$BATS_TEST_TMPDIR/tree d
	d=$r/sys/bus/pci/devices
	mkdir -p "$r/sys/devices/system/cpu/cpu0/topology" "$d"/0000:00:0{1,2,3,4}.0 "$d/0000:05:00.0"
	echo 0 >"$r/sys/devices/system/cpu/online"
	echo 0 >"$r/sys/devices/system/cpu/possible"
	echo 0 >"$r/sys/devices/system/cpu/cpu0/topology/core_id"
	echo 0 >"$r/sys/devices/system/cpu/cpu0/topology/physical_package_id"
	echo 0x020000 >"$d/0000:00:01.0/class"
	mkfifo "$d/0000:00:01.0/vendor" "$d/0000:00:02.0/class" "$d/0000:00:03.0/config"
	echo 0x10de >"$d/0000:00:01.0/device"
	echo 0x060400 >"$d/0000:00:03.0/class"
	echo 0x030000 >"$d/0000:00:04.0/class"
	echo 0x10de >"$d/0000:00:04.0/vendor"
	head -c 2000000 /dev/zero | tr '\0' f >"$d/0000:00:04.0/local_cpus"
	echo 0x010802 >"$d/0000:05:00.0/class"
	printf 'ffffffffffffffffffff,zz,1' >"$d/0000:05:00.0/local_cpus"
	# a function whose directory lies outside the tree (a NIC there): read
	# below the tree, neither link leads anywhere
	mkdir -p "$BATS_TEST_TMPDIR/outside"
	echo 0x020000 >"$BATS_TEST_TMPDIR/outside/class"
	ln -s "$BATS_TEST_TMPDIR/outside" "$d/0000:00:00.0"
	ln -s ../../../../../outside "$d/0000:00:05.0"
	run --separate-stderr timeout "$(time_limit 10)" topo-discover -r "$r"
	[ "$status" -eq 0 ]
	jq_is '[.devices[] | [.id, .class, .vendor, .numa]]' \
		'[["0000:00:01.0","net","0000",0],["0000:00:04.0","gpu","10de",0],["0000:05:00.0","nvme","0000",0]]'
}

# ---- saved documents (-t) ----

@test "-t re-emits a discovered document byte for byte" {
	need_shared data/hwloc-xml
	topo-discover -i "$XMLDIR/memorysidecaches.xml" >"$BATS_TEST_TMPDIR/t.json"
	run --separate-stderr topo-discover -t "$BATS_TEST_TMPDIR/t.json"
	[ "$status" -eq 0 ]
	[ "$output" = "$(cat "$BATS_TEST_TMPDIR/t.json")" ]
}

@test "-t - reads stdin; a document with only CPU ids gets the rest derived" {
	run --separate-stderr topo-discover -t - <"$FIX/cpus-only.json"
	[ "$status" -eq 0 ]
	jq_is '[.cpus[] | [.id, .core, .socket, .numa, .l3]]' '[[0,0,0,0,0],[1,1,0,0,0],[2,2,0,0,0],[3,3,0,0,0]]'
	jq_is '.numa[0].cpus' '"0-3"'
}

@test "-t FILE -o text renders a saved document" {
	run --separate-stderr topo-discover -t "$FIX/cpus-only.json" -o text
	[ "$status" -eq 0 ]
	output_has "Machine (4 CPUs, 4 cores, 1 socket, 1 NUMA node, 1 L3)"
	output_has "Core #3: PU P#3"
}

# ---- -o text ----

@test "-o text: the lstopo -p style tree of a synthetic machine" {
	run --separate-stderr topo-discover -s "package:2 numa:1 core:2 pu:2" -o text
	[ "$status" -eq 0 ]
	[ "$output" = "Machine (8 CPUs, 4 cores, 2 sockets, 2 NUMA nodes, 2 L3, 2 GiB)
  Package P#0
    NUMANode P#0 (1 GiB)
      L3 #0
        Core #0: PU P#0 P#1
        Core #2: PU P#2 P#3
  Package P#1
    NUMANode P#1 (1 GiB)
      L3 #1
        Core #4: PU P#4 P#5
        Core #6: PU P#6 P#7" ]
}

@test "-o text: SNC nests NUMA nodes in the L3, and prints the distance matrix" {
	need_shared data/hwloc-xml
	run --separate-stderr topo-discover --no-devices -i "$XMLDIR/memorysidecaches.xml" -o text
	[ "$status" -eq 0 ]
	output_has 'Machine "leonide" (80 CPUs, 40 cores, 2 sockets, 4 NUMA nodes, 2 L3, 1.5 TiB)'
	output_has $'  Package P#0\n    L3 #0\n      NUMANode P#0 (370.5 GiB; hugepages 2Mi:0 1Gi:0)\n        Core #0: PU P#0 P#40'
	output_has $'NUMA distances:\n         0    1    2    3\n   0:   10   21   11   21'
}

@test "-o text: NUMA nodes without CPUs and the devices are listed" {
	need_shared data/hwloc-xml
	run --separate-stderr topo-discover -i "$XMLDIR/64intel64-fakeKNL-SNC4-hybrid.xml" -o text
	[ "$status" -eq 0 ]
	output_has "NUMANode P#4 (2 GiB; no CPUs)"
	run --separate-stderr topo-discover -i "$XMLDIR/nvidiaDGX2.xml" -o text
	[ "$status" -eq 0 ]
	output_has $'\nDevices:\n'
	output_has $'  0000:34:00.0 gpu         10de:1db8 NUMA 0 nvidia.com/gpu\n'
	run --separate-stderr topo-discover -i "$XMLDIR/32em64t-2n8c2t-pci-wholeio.xml" -o text
	[ "$status" -eq 0 ]
	output_has '0000:84:00.1 gpu         1002:6798 NUMA 1 amd.com/gpu "Tahiti XT [Radeon HD 7970/8970 OEM / R9 280X]"'
}

# ---- -o nrt ----

@test "-o nrt: one zone per NUMA node with cpu, memory, hugepages and GPUs, costs from distances" {
	need_shared data/hwloc-xml
	run --separate-stderr topo-discover -i "$XMLDIR/nvidiaDGX2.xml" -o nrt --node-name DGX-2
	[ "$status" -eq 0 ]
	jq_is '[.apiVersion, .kind, .metadata.name]' '["topology.node.k8s.io/v1alpha2","NodeResourceTopology","dgx-2"]'
	jq_is '[.zones[] | [.name, .type]]' '[["node-0","Node"],["node-1","Node"]]'
	jq_is '.zones[0].costs' '[{"name":"node-0","value":10},{"name":"node-1","value":21}]'
	jq_is '[.zones[0].resources[] | [.name, .capacity]]' \
		'[["cpu","2"],["memory","810234351616"],["hugepages-2Mi","0"],["hugepages-1Gi","0"],["nvidia.com/gpu","8"]]'
	jq_is '[.zones[0].resources[] | .capacity == .allocatable and .allocatable == .available] | all' 'true'
	jq_is 'has("attributes")' 'false'
}

@test "-o nrt: memory leaves out the hugepages, which get their own resource" {
	need_shared data/hwloc-xml
	run --separate-stderr topo-discover -i "$XMLDIR/linux-32intel64-2p8co2t+8ve.xml" -o nrt
	[ "$status" -eq 0 ]
	jq_is '.metadata.name' '"ve"'
	# NUMA 0: local_memory 49075843072 of which 2048 x 2 MiB hugepages
	jq_is '[.zones[0].resources[] | select(.name | test("memory|hugepages-2Mi")) | .capacity]' \
		'["44780875776","4294967296"]'
}

@test "-o nrt: the topology manager policy and scope become attributes and topologyPolicies" {
	local p s want
	while read -r p s want; do
		run --separate-stderr topo-discover -s "numa:2 pu:2" -o nrt --node-name n1 \
			--topology-manager-policy "$p" --topology-manager-scope "$s"
		[ "$status" -eq 0 ]
		jq_is '.topologyPolicies' "[\"$want\"]"
		jq_is '.attributes' "[{\"name\":\"topologyManagerPolicy\",\"value\":\"$p\"},{\"name\":\"topologyManagerScope\",\"value\":\"$s\"}]"
	done <<-'EOF'
	single-numa-node container SingleNUMANodeContainerLevel
	single-numa-node pod SingleNUMANodePodLevel
	restricted container RestrictedContainerLevel
	best-effort pod BestEffortPodLevel
	none container None
	EOF
}

@test "-o nrt: a source without a hostname needs --node-name; a bad name is refused" {
	run --separate-stderr topo-discover -s "pu:2" -o nrt
	[ "$status" -eq 2 ]
	stderr_has "--node-name"
	run --separate-stderr topo-discover -s "pu:2" -o nrt --node-name "bad_name!"
	[ "$status" -eq 2 ]
	stderr_has "invalid node name 'bad_name!'"
}

# ---- resource map ----

@test "--resource-map: site rules come first; resource: null hides a default" {
	need_shared data/hwloc-xml
	run --separate-stderr topo-discover -i "$XMLDIR/16intel64-manyVFs.xml" --resource-map "$FIX/usnic-map.yaml"
	[ "$status" -eq 0 ]
	jq_is '[.devices[] | select(.resource == "cisco.com/usnic")] | length' '10'
	jq_is '[.devices[] | select(.device == "1521") | .resource]' '[null,null]'
}

@test "--resource-map: 'defaults: false' drops the built-in rules" {
	need_shared data/hwloc-xml
	run --separate-stderr topo-discover -i "$XMLDIR/nvidiaDGX2.xml" --resource-map "$FIX/only-map.yaml"
	[ "$status" -eq 0 ]
	jq_is '[.devices[] | select(.resource != null)] | length' '0'
	run --separate-stderr topo-discover -i "$XMLDIR/16intel64-manyVFs.xml" --resource-map "$FIX/only-map.yaml"
	[ "$status" -eq 0 ]
	jq_is '[.devices[].resource] | unique' '[null,"cisco.com/vic"]'
}

@test "default map: NVIDIA, AMD and Intel GPUs; BMC video is not a GPU" {
	need_shared data/hwloc-xml
	run --separate-stderr topo-discover -i "$XMLDIR/32em64t-2n8c2t-pci-wholeio.xml"
	[ "$status" -eq 0 ]
	jq_is '[.devices[] | select(.class == "gpu") | .resource]' \
		'["nvidia.com/gpu","nvidia.com/gpu","nvidia.com/gpu","amd.com/gpu"]'
	jq_is '[.devices[] | select(.vendor == "102b") | .class]' '["other"]'
	run --separate-stderr topo-discover -i "$XMLDIR/96em64t-4n4d3ca2co-pci.xml"
	[ "$status" -eq 0 ]
	jq_is '[.devices[] | select(.vendor == "1002") | [.class, .resource]]' '[["gpu","amd.com/gpu"]]'
}

@test "bad resource maps: exit 2 at file:line:col" {
	local f want
	while IFS='|' read -r f want; do
		run --separate-stderr topo-discover -s "pu:1" --resource-map "$FIX/$f"
		[ "$status" -eq 2 ]
		stderr_has "topo-discover: $FIX/$f:$want"
	done <<-'EOF'
	bad-map-hex.yaml|2:11: device must be 4 hex digits
	bad-map-field.yaml|2:3: unknown field 'resouce'
	bad-map-name.yaml|2:13: invalid extended resource name 'nvidia gpu'
	EOF
}

# ---- bad input ----

@test "missing files and directories: exit 2 naming them" {
	local opt
	for opt in -i -r -t --resource-map; do
		run --separate-stderr topo-discover $opt "$BATS_TEST_TMPDIR/nope"
		[ "$status" -eq 2 ]
		stderr_has "$BATS_TEST_TMPDIR/nope"
		[ -z "$output" ]
	done
}

@test "garbage, empty, truncated and hwloc-3 XML: exit 2 with a clear message" {
	printf 'a: [unclosed\n  b: {\n' >"$BATS_TEST_TMPDIR/garbage.xml"
	: >"$BATS_TEST_TMPDIR/empty.xml"
	head -c 600 "$FIX/pu-id-twice.xml" >"$BATS_TEST_TMPDIR/trunc.xml"
	run --separate-stderr topo-discover -i "$BATS_TEST_TMPDIR/garbage.xml"
	[ "$status" -eq 2 ]; stderr_has "garbage.xml: not an hwloc XML topology"
	run --separate-stderr topo-discover -i "$BATS_TEST_TMPDIR/empty.xml"
	[ "$status" -eq 2 ]; stderr_has "empty.xml: empty file"
	run --separate-stderr topo-discover -i "$BATS_TEST_TMPDIR/trunc.xml"
	[ "$status" -eq 2 ]; stderr_has "trunc.xml: not a valid hwloc XML topology"
	run --separate-stderr topo-discover -i "$FIX/hwloc3.xml"
	[ "$status" -eq 2 ]
	stderr_has "hwloc3.xml: hwloc XML format version 3.x cannot be read by libhwloc 2"
	run --separate-stderr topo-discover -i "$BATS_TEST_TMPDIR"
	[ "$status" -eq 2 ]
	run --separate-stderr topo-discover -i "$FIX/pu-id-too-big.xml"
	[ "$status" -eq 2 ]
	stderr_has "pu-id-too-big.xml: CPU L#1 has OS index 99999, above 65535"
	run --separate-stderr topo-discover -i "$FIX/pu-id-twice.xml"
	[ "$status" -eq 2 ]
	stderr_has "pu-id-twice.xml: cpu 0 is listed twice"
}

@test "-i - reads the XML export from stdin, checked like a file" {
	need_shared data/hwloc-xml
	run --separate-stderr topo-discover -i - <"$XMLDIR/memorysidecaches.xml"
	[ "$status" -eq 0 ]
	local file
	file=$(topo-discover -i "$XMLDIR/memorysidecaches.xml")
	[ "$output" = "$file" ]
	run --separate-stderr topo-discover -i - <"$FIX/hwloc3.xml"
	[ "$status" -eq 2 ]
	stderr_has "<stdin>: hwloc XML format version 3.x"
	run --separate-stderr topo-discover -i - </dev/null
	[ "$status" -eq 2 ]
	stderr_has "<stdin>: empty file"
}

@test "--fsroot on something that is not a /sys tree: exit 2" {
	run --separate-stderr topo-discover -r "$FIX"
	[ "$status" -eq 2 ]; stderr_has "not a /sys + /proc tree"
	run --separate-stderr topo-discover -r "$FIX/cpus-only.json"
	[ "$status" -eq 2 ]; stderr_has "not a directory"
}

@test "bad synthetic descriptions: exit 2, and huge ones are refused before hwloc builds them" {
	local desc
	for desc in "" "foo:3" "package:2 core:x" "pu:0" "core:1000 pu:1000" "package:abc"; do
		run --separate-stderr timeout "$(time_limit 5)" topo-discover --synthetic "$desc"
		[ "$status" -eq 2 ] || { echo "'$desc': exit $status" >&2; return 1; }
		stderr_has "--synthetic"
	done
}

@test "acceptance: -t garbage.yaml and an alias bomb exit 2 naming the file" {
	printf 'a: [unclosed\n  b: {\n' >"$BATS_TEST_TMPDIR/garbage.yaml"
	{ echo 'a: &a ["x","x","x","x","x","x","x","x","x","x"]'
	  p=a; for l in b c d e f g h i j k l m n o p q r s t u v w; do
		printf '%s: &%s [*%s,*%s,*%s,*%s,*%s,*%s,*%s,*%s,*%s,*%s]\n' $l $l $p $p $p $p $p $p $p $p $p $p; p=$l; done
	} >"$BATS_TEST_TMPDIR/bomb.yaml"
	local f
	for f in garbage bomb; do
		# the timeout only ends a hang; tests/hardening.bats bounds the memory
		run --separate-stderr timeout "$(time_limit 10)" topo-discover -t "$BATS_TEST_TMPDIR/$f.yaml"
		[ "$status" -eq 2 ]
		stderr_has "$f.yaml"
	done
}

@test "-t with a document that is not a NodeTopology: exit 2 at file:line:col" {
	printf '{"kind":"NodeTopology","apiVersion":"topokit/v1","cpus":[{"id":0},{"id":0}]}\n' >"$BATS_TEST_TMPDIR/dup.json"
	run --separate-stderr topo-discover -t "$BATS_TEST_TMPDIR/dup.json"
	[ "$status" -eq 2 ]
	stderr_has "dup.json"
}

@test "usage errors: exit 2 with one line and the try-help line" {
	local args
	while IFS= read -r args; do
		eval "run --separate-stderr topo-discover $args"
		[ "$status" -eq 2 ] || { echo "$args: exit $status" >&2; return 1; }
		stderr_has "Try 'topo-discover --help' for more information."
		[ -z "$output" ]
	done <<-'EOF'
	--bogus
	-x
	-i
	extra-arg
	-s pu:2 -i x.xml
	-t x.json -r /tmp
	-t x.json --no-devices
	-o yaml
	--topology-manager-policy strict -o nrt
	--topology-manager-scope node -o nrt
	--topology-manager-policy none
	--node-name ''
	EOF
}

@test "bash completion: options, output formats and policy words" {
	source "$TK_ROOT/completions/bash/topo-discover"
	COMP_WORDS=(topo-discover --topology-m); COMP_CWORD=1
	_topo_discover
	[ "${COMPREPLY[*]}" = "--topology-manager-policy --topology-manager-scope" ]
	COMP_WORDS=(topo-discover -o ""); COMP_CWORD=2
	_topo_discover
	[ "${COMPREPLY[*]}" = "json text nrt svg png pdf" ]
	COMP_WORDS=(topo-discover --topology-manager-policy s); COMP_CWORD=2
	_topo_discover
	[ "${COMPREPLY[*]}" = "single-numa-node" ]
}

# golden NAME|ARGS lines on stdin: each output is tests/expected/topo-discover/NAME
golden() {
	local exp="$EXPECTED/topo-discover" name args bad=""
	while IFS='|' read -r name args; do
		eval "run --separate-stderr topo-discover $args"
		[ "$status" -eq 0 ] || { bad+="$name: exit $status"$'\n'; continue; }
		[ "$output" = "$(cat "$exp/$name")" ] || bad+="$name differs"$'\n'
	done
	[ -z "$bad" ] || { printf '%s' "$bad" >&2; return 1; }
}

@test "golden outputs in tests/expected/topo-discover are reproduced byte for byte: synthetic" {
	golden <<<'synthetic-2s-4n-8c-2t.json|-s "package:2 numa:2 core:2 pu:2"'
}

@test "golden outputs in tests/expected/topo-discover are reproduced byte for byte: real machines" {
	need_shared data/hwloc-xml
	golden <<-'EOF2'
	memorysidecaches.json|--no-devices -i "$XMLDIR/memorysidecaches.xml"
	nvidiaDGX2.json|-i "$XMLDIR/nvidiaDGX2.xml"
	nvidiaDGX2.nrt.json|-i "$XMLDIR/nvidiaDGX2.xml" -o nrt --node-name dgx2 --topology-manager-policy single-numa-node
	64intel64-fakeKNL-SNC4-hybrid.txt|-i "$XMLDIR/64intel64-fakeKNL-SNC4-hybrid.xml" -o text
	EOF2
}
