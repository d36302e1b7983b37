# fish completion for topo-admit(1)
complete -c topo-admit -s t -l topology -r -F -d 'node topology document'
complete -c topo-admit -l policy -x -a 'none best-effort restricted single-numa-node' -d 'Topology Manager policy'
complete -c topo-admit -l scope -x -a 'container pod' -d 'Topology Manager scope'
complete -c topo-admit -l option -x -a 'prefer-closest-numa-nodes=true max-allowable-numa-nodes=' -d 'Topology Manager policy option'
complete -c topo-admit -l kubelet-config -r -F -d 'read a KubeletConfiguration'
complete -c topo-admit -l cpu-manager-policy -x -a 'none static' -d 'CPU Manager policy'
complete -c topo-admit -l cpu-option -x -a 'align-by-socket=true full-pcpus-only=true' -d 'CPU Manager policy option'
complete -c topo-admit -l memory-manager-policy -x -a 'None Static' -d 'Memory Manager policy'
complete -c topo-admit -l available -x -d 'CPUs free for exclusive use'
complete -c topo-admit -l state -r -F -d "kubelet cpu_manager_state file"
complete -c topo-admit -l kubelet-dir -x -a '(__fish_complete_directories)' -d "the kubelet's state directory: its checkpoints are used resources"
complete -c topo-admit -l reserved -x -d 'reservedSystemCPUs'
complete -c topo-admit -l hints -r -F -d 'hint-merge mode: provider hints'
complete -c topo-admit -l numa-nodes -x -d "the machine's NUMA nodes"
complete -c topo-admit -l distances -r -F -d 'NUMA distances'
complete -c topo-admit -l cpu-hints -d 'CPU-hints mode'
complete -c topo-admit -l count -x -d 'CPUs requested'
complete -c topo-admit -l reusable -x -d 'CPUs reusable from init containers'
complete -c topo-admit -l allocated -x -d 'CPUs the container already holds'
complete -c topo-admit -l nrt -r -F -d "NodeResourceTopology objects: the scheduler plugin's decision"
complete -c topo-admit -l nodes -r -F -d 'Node objects (the node and its pods, or the NRT nodes)'
complete -c topo-admit -l scoring-strategy -x -a 'LeastAllocated MostAllocated BalancedAllocation LeastNUMANodes' -d 'NRT mode scoring strategy'
complete -c topo-admit -l resource-weight -x -d 'NRT mode resource weight (NAME=WEIGHT)'
complete -c topo-admit -s o -l output -x -a 'json text' -d 'output format'
complete -c topo-admit -s h -l help -d 'display help'
complete -c topo-admit -s V -l version -d 'display version'
