# fish completion for spread-check(1)
set -l cmds lint place simulate audit explain
complete -c spread-check -f
complete -c spread-check -n "not __fish_seen_subcommand_from $cmds" -a lint -d 'check topologySpreadConstraints in manifests'
complete -c spread-check -n "not __fish_seen_subcommand_from $cmds" -a place -d 'score every node for one incoming pod'
complete -c spread-check -n "not __fish_seen_subcommand_from $cmds" -a simulate -d "place a workload's replicas one by one"
complete -c spread-check -n "not __fish_seen_subcommand_from $cmds" -a audit -d 'measure the skew of running workloads'
complete -c spread-check -n "not __fish_seen_subcommand_from $cmds" -a explain -d 'explain FailedScheduling events and describe output'
complete -c spread-check -n '__fish_seen_subcommand_from explain' -F
complete -c spread-check -n '__fish_seen_subcommand_from explain' -s o -l output -x -a 'json text' -d 'output format'
complete -c spread-check -s h -l help -d 'display help'
complete -c spread-check -s V -l version -d 'display version'
# lint
complete -c spread-check -n '__fish_seen_subcommand_from lint' -F
complete -c spread-check -n '__fish_seen_subcommand_from lint' -s o -l output -x -a 'json text github sarif junit' -d 'output format'
complete -c spread-check -n '__fish_seen_subcommand_from lint' -s e -l enable -x -a 'TSC001 TSC002 TSC003 TSC004 TSC005 TSC006 TSC007 TSC008 TSC009 TSC010 TSC101 TSC102 TSC103 TSC104 TSC105 TSC106 TSC107 TSC108 TSC109 TSC110 TSC111 TSC112 TSC201 TSC202 TSC203 TSC301 TSC302 max-skew topology-key when-unsatisfiable duplicate-constraint min-domains node-inclusion-policy match-label-keys label-selector field-type hugepages-multiple selector-mismatch unknown-topology-key deprecated-topology-key min-domains-above-replicas missing-pod-template-hash ineffective-max-skew anti-affinity-overlap ignored-annotation daemonset-spread nil-label-selector empty-label-selector dra-numa-alignment key-on-no-node too-few-domains hostname-replicas-exceed-nodes require-spread fractional-cpu-guaranteed' -d 'run these rules too'
complete -c spread-check -n '__fish_seen_subcommand_from lint' -s d -l disable -x -a 'TSC001 TSC002 TSC003 TSC004 TSC005 TSC006 TSC007 TSC008 TSC009 TSC010 TSC101 TSC102 TSC103 TSC104 TSC105 TSC106 TSC107 TSC108 TSC109 TSC110 TSC111 TSC112 TSC201 TSC202 TSC203 TSC301 TSC302 max-skew topology-key when-unsatisfiable duplicate-constraint min-domains node-inclusion-policy match-label-keys label-selector field-type hugepages-multiple selector-mismatch unknown-topology-key deprecated-topology-key min-domains-above-replicas missing-pod-template-hash ineffective-max-skew anti-affinity-overlap ignored-annotation daemonset-spread nil-label-selector empty-label-selector dra-numa-alignment key-on-no-node too-few-domains hostname-replicas-exceed-nodes require-spread fractional-cpu-guaranteed' -d 'do not run these rules'
complete -c spread-check -n '__fish_seen_subcommand_from lint' -s s -l strict -d 'warnings fail too'
complete -c spread-check -n '__fish_seen_subcommand_from lint' -s j -l jobs -x -d 'lint this many files at once'
complete -c spread-check -n '__fish_seen_subcommand_from lint' -s n -l nodes -r -F -d 'cluster nodes for cluster-aware rules'
complete -c spread-check -n '__fish_seen_subcommand_from lint' -l fail-if-no-objects -d 'exit 1 when the inputs hold no object'
complete -c spread-check -n '__fish_seen_subcommand_from lint' -l only-manifests -d 'skip named files that are no Kubernetes object'
complete -c spread-check -n '__fish_seen_subcommand_from lint' -l list-rules -d 'list the rules and exit'
# place, simulate, audit
complete -c spread-check -n '__fish_seen_subcommand_from place simulate audit explain' -l cluster -r -F -d 'nodes and pods in one dump'
complete -c spread-check -n '__fish_seen_subcommand_from place simulate audit explain' -l scheduler-before-1.38 -d 'count as kube-scheduler before 1.38 (labelSelector {} counts no pod)'
complete -c spread-check -n '__fish_seen_subcommand_from place simulate audit explain' -l nodes -r -F -d 'nodes (kubectl get nodes -o json)'
complete -c spread-check -n '__fish_seen_subcommand_from place simulate audit explain' -l pods -r -F -d 'pods (kubectl get pods -A -o json)'
complete -c spread-check -n '__fish_seen_subcommand_from place' -s o -l output -x -a 'json text' -d 'output format'
complete -c spread-check -n '__fish_seen_subcommand_from simulate audit' -s o -l output -x -a 'json text svg png' -d 'output format'
complete -c spread-check -n '__fish_seen_subcommand_from place simulate explain' -l default-constraints -r -F -a system -d 'cluster default constraints'
complete -c spread-check -n '__fish_seen_subcommand_from place simulate explain' -l objects -r -F -d 'objects for default selectors'
complete -c spread-check -n '__fish_seen_subcommand_from place' -l failed-nodes -x -d 'nodes that failed another filter'
complete -c spread-check -n '__fish_seen_subcommand_from place' -l counts -d 'also print the counted pods per domain'
complete -c spread-check -n '__fish_seen_subcommand_from place' -l all-filters -d 'run the scheduler\'s filter chain, not PodTopologySpread alone'
complete -c spread-check -n '__fish_seen_subcommand_from place simulate' -F
complete -c spread-check -n '__fish_seen_subcommand_from simulate' -l replicas -x -d 'replicas to place'
complete -c spread-check -n '__fish_seen_subcommand_from simulate' -l fail -x -d 'lose the nodes labelled KEY=VALUE'
complete -c spread-check -n '__fish_seen_subcommand_from simulate' -l seed -x -d 'break score ties at random'
complete -c spread-check -n '__fish_seen_subcommand_from simulate' -l rollout -d 'roll the workload out over its running pods, step by step'
complete -c spread-check -n '__fish_seen_subcommand_from audit' -l advise -d 'the evictions the descheduler would make and where the pods land'
complete -c spread-check -n '__fish_seen_subcommand_from audit' -l soft -d 'with --advise: ScheduleAnyway constraints too'
complete -c spread-check -n '__fish_seen_subcommand_from audit' -l node-fit -d 'with --advise: evict only pods that fit another node'
complete -c spread-check -n '__fish_seen_subcommand_from audit' -l no-balance-fit -d 'with --advise: evict even when no smaller domain fits'
complete -c spread-check -n '__fish_seen_subcommand_from audit' -l include-namespaces -x -d 'with --advise: only these namespaces'
complete -c spread-check -n '__fish_seen_subcommand_from audit' -l exclude-namespaces -x -d 'with --advise: not these namespaces'
