etcdctl put foo bar > /dev/null; curl -s http://127.0.0.1:2379/metrics | grep -E '^etcd_(mvcc_db_total_size|server_quota|server_has_leader|debugging_mvcc_current_revision)'
curl -s http://127.0.0.1:22379/metrics | grep -c '^# TYPE etcd_'
curl -s http://127.0.0.1:2379/health; echo; curl http://127.0.0.1:2379/version; echo
curl -s http://127.0.0.1:2380/metrics; echo "exit $?"; playground kill infra3; curl -sf http://127.0.0.1:32379/health; echo "exit $?"
etcdctl check perf | tr '\r' '\n' | tail -5; etcdctl get /etcdctl-check-perf/ --prefix --count-only -w fields | grep Count
