etcdctl put somekey v1 && etcdctl put somekey v2 && etcdctl put somekey v3
etcd --auto-compaction-retention=1
etcdctl compact 3
etcdctl get --rev=2 somekey
etcdctl put somekey v4; sleep 3601; playground log | grep -o '"msg":"completed auto periodic compaction","local-member-id":"[0-9a-f]*","revision":[0-9]*'
etcdctl defrag
etcdctl defrag --cluster
etcd --quota-backend-bytes=$((16*1024*1024))
ETCDCTL_API=3 etcdctl --write-out="table" endpoint status
ETCDCTL_API=3 etcdctl alarm list
rev=$(ETCDCTL_API=3 etcdctl --endpoints=:2379 endpoint status --write-out="json" | egrep -o '"revision":[0-9]*' | egrep -o '[0-9].*')
ETCDCTL_API=3 etcdctl compact $rev
ETCDCTL_API=3 etcdctl defrag
ETCDCTL_API=3 etcdctl alarm disarm
ETCDCTL_API=3 etcdctl put newkey 123
etcdctl snapshot save backup.db
etcdutl --write-out=table snapshot status backup.db
