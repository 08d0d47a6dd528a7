etcd --snapshot-count=1 2>/dev/null
playground kill infra3
playground advance 5s
etcd --snapshot-count=10000 2>/dev/null
etcdctl move-leader fd422379fda50e48
etcdctl --endpoints=127.0.0.1:32379 put b 2
playground slow-disk infra3 500
etcdctl --endpoints=127.0.0.1:32379 put c 3
etcdctl put d 4
etcd --snapshot-count=5 2>/dev/null
playground slow-disk infra3 1
playground advance 30s
etcdctl endpoint hashkv --cluster
for ep in 127.0.0.1:2379 127.0.0.1:22379 127.0.0.1:32379; do etcdctl --endpoints=$ep get d --consistency=s --print-value-only; done
