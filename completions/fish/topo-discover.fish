# fish completion for topo-discover(1)
complete -c topo-discover -f
complete -c topo-discover -s i -l input -r -F -d 'read an hwloc XML export'
complete -c topo-discover -s r -l fsroot -x -a '(__fish_complete_directories)' -d 'read a recorded /sys and /proc tree'
complete -c topo-discover -s s -l synthetic -x -d 'build a synthetic machine, e.g. "package:2 numa:2 core:8 pu:2"'
complete -c topo-discover -s t -l topology -r -F -d 'read a topology document'
complete -c topo-discover -l no-devices -d 'skip PCI device discovery'
complete -c topo-discover -l resource-map -r -F -d 'map PCI devices to extended resource names'
complete -c topo-discover -l node-name -x -d "the node's name"
complete -c topo-discover -l topology-manager-policy -x -a 'none best-effort restricted single-numa-node' -d "with -o nrt: the kubelet's topologyManagerPolicy"
complete -c topo-discover -l topology-manager-scope -x -a 'container pod' -d "with -o nrt: the kubelet's topologyManagerScope"
complete -c topo-discover -l kubelet-dir -x -a '(__fish_complete_directories)' -d "with -o nrt or a picture: the kubelet's state directory"
complete -c topo-discover -l kubelet-config -r -F -d 'with -o nrt or a picture: the KubeletConfiguration'
complete -c topo-discover -l distances -d 'with -o svg, png or pdf: draw the NUMA distances'
complete -c topo-discover -l findings -r -F -d "with -o svg, png or pdf: numa-verify's JSON report"
complete -c topo-discover -s o -l output -x -a 'json text nrt svg png pdf' -d 'output format'
complete -c topo-discover -s h -l help -d 'display help'
complete -c topo-discover -s V -l version -d 'display version'
