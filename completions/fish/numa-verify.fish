# fish completion for numa-verify(1)
complete -c numa-verify -l all -d 'every process and every container under kubepods'
complete -c numa-verify -l pod -x -d 'the containers of one pod (UID)'
complete -c numa-verify -l container -x -d 'one container by ID or unique prefix'
complete -c numa-verify -l expect-numa -x -d 'NUMA nodes CPUs and memory belong on'
complete -c numa-verify -l min-local -x -d 'least share of memory on them, percent'
complete -c numa-verify -l no-threads -d "do not look at threads' own affinity"
complete -c numa-verify -l cpu-manager-state -r -F -d "check the kubelet's cpu_manager_state"
complete -c numa-verify -l kubelet-config -r -F -a running -d 'check a KubeletConfiguration (running: the running kubelet\'s)'
complete -c numa-verify -l kubelet-dir -x -a '(__fish_complete_directories)' -d "the kubelet's state directory: its checkpoints must keep the topology promise"
complete -c numa-verify -l policy -x -a 'none static' -d 'CPU manager policy the state file must name'
complete -c numa-verify -l reserved-cpus -x -d "the kubelet's reservedSystemCPUs"
complete -c numa-verify -s t -l topology -r -F -d 'NodeTopology document instead of /sys'
complete -c numa-verify -l root -x -a '(__fish_complete_directories)' -d 'read proc/ and sys/ under DIR'
complete -c numa-verify -s o -l output -x -a 'json text prometheus' -d 'output format'
complete -c numa-verify -s h -l help -d 'display help'
complete -c numa-verify -s V -l version -d 'display version'
complete -c numa-verify -x -a '(__fish_complete_pids)'
complete -c numa-verify -l explain -F -d 'explain kubelet journal lines or Events (FILE or -)'
complete -c numa-verify -l pods -r -F -d '--explain: re-run the admission of these pods (kubectl get pods -o json)'
