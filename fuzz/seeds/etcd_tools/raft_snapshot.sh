etcd --snapshot-count=100 2>/dev/null; playground kill infra2; playground status
for i in $(seq 1 6000); do etcdctl put key$i value$i > /dev/null || break; done; echo written
playground restart infra2; sleep 1; playground status
playground log | grep -o '"msg":"[a-zA-Z ]*snapshot","local-member-id":"[0-9a-f]*","[a-z-]*":[0-9"a-f]*' | grep -v 'triggering\|saved snapshot'
playground log | grep -c '"msg":"saved snapshot"'
etcdctl --endpoints=127.0.0.1:22379 get key6000 --consistency=s
