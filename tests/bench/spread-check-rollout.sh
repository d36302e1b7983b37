#!/usr/bin/env bash
# Benchmark: `spread-check simulate --rollout` of a 1,000-replica Deployment
# (maxSurge 25%, maxUnavailable 25%) over its running pods, against the
# single-workload `simulate` of the same Deployment's 1,000 replicas, on the
# 5,000-node, 150,000-pod dump of spread-check-sim.sh (its generator and
# workload are taken from that script, so both benchmarks read the same
# dump). The rollout runs twice (as given, and with matchLabelKeys toggled).
# Goals (issue 14): at most 3x the simulate's CPU time, peak memory under
# 64 MiB.
. "$(dirname "$0")/lib.bash"
bench_init spread-check-rollout
bench_need python3 jq
SC=$TK_BIN/spread-check
NODES=${NODES:-5000} PODS=${PODS:-150000} REPLICAS=${REPLICAS:-1000}
[ -x "$SC" ] || make -s "$SC" || exit 2

# spread-check-sim.sh's dump generator and workload, run here
eval "$(sed -n '/^python3 - "\$W" "\$NODES" "\$PODS" <<.PY.$/,/^PY$/p; /^cat >"\$W\/wl.yaml" <<.YAML.$/,/^YAML$/p' \
	tests/bench/spread-check-sim.sh)"
[ -s "$W/nodes.json" ] && [ -s "$W/pods.json" ] && [ -s "$W/wl.yaml" ] ||
	{ echo "spread-check-rollout: spread-check-sim.sh no longer generates the dump as expected" >&2; exit 2; }
sed 's/^spec:$/spec:\n  strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 25%, maxUnavailable: 25%}}/' \
	"$W/wl.yaml" >"$W/rollout.yaml"

sim=("$SC" simulate --nodes "$W/nodes.json" --pods "$W/pods.json" --replicas "$REPLICAS" "$W/wl.yaml")
roll=("$SC" simulate --rollout --nodes "$W/nodes.json" --pods "$W/pods.json" --replicas "$REPLICAS" "$W/rollout.yaml")
"${roll[@]}" >"$W/out.json"
[ $? -le 1 ] || exit 2
[ "$(jq .rollout.scheduled "$W/out.json")" -gt 0 ] || { echo "the rollout scheduled nothing" >&2; exit 2; }
bench_ab "spread-check simulate --rollout: $REPLICAS replicas (maxSurge 25%, $(jq .oldPods "$W/out.json") old pods, $(jq .rollout.stepCount "$W/out.json") steps) vs simulate --replicas $REPLICAS" 3 \
	-- "${roll[@]}" -- "${sim[@]}"
bench_value "spread-check simulate --rollout: peak memory, same run" \
	"$(echo "scale=1; $(bench_peak_kib "${roll[@]}") / 1024" | bc)" MiB 64
