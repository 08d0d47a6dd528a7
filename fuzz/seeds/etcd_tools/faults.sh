etcdctl --command-timeout=99999999h get foo; etcdctl --endpoints=127.0.0.1:1 --dial-timeout=1ms put a b
playground kill infra1; playground kill infra2; etcdctl put k v; playground restart infra1; etcdctl endpoint status -w json
