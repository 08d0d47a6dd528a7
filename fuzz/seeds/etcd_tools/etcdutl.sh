etcdutl snapshot status backup.db
etcdutl --write-out=table snapshot status backup.db
etcdutl snapshot status backup.db -w json
etcdutl snapshot status backup.db -w fields
etcdutl snapshot status nosuchfile.db
etcdutl snapshot status
head -c 5000 backup.db > broken.db; etcdutl snapshot status broken.db
seq 1 5000 > text.db; etcdutl snapshot status text.db
etcdutl snapshot status backup.db -w yaml
etcdutl --help
etcdutl version
etcdutl snapshot --help
etcdutl defrag --help
mkdir -p data.etcd/member/snap; head -c 24576 backup.db > data.etcd/member/snap/db; etcdutl snapshot status data.etcd/member/snap/db -w json
etcdutl defrag --data-dir data.etcd; echo $?; bbolt check data.etcd/member/snap/db
etcdutl snapshot status data.etcd/member/snap/db -w json; bbolt pages data.etcd/member/snap/db
etcdutl defrag
etcdutl defrag --data-dir nosuch.etcd
etcdutl snapshot restore backup.db --data-dir restored.etcd; echo $?; ls restored.etcd/member/snap restored.etcd/member/wal
bbolt keys restored.etcd/member/snap/db members; bbolt check restored.etcd/member/snap/db; etcdutl snapshot status restored.etcd/member/snap/db
etcdutl snapshot restore backup.db --data-dir restored.etcd
etcdutl snapshot restore backup.db --name m2 --data-dir m2.etcd --initial-cluster m1=http://127.0.0.1:12380,m2=http://127.0.0.1:22380 --initial-advertise-peer-urls http://127.0.0.1:22380; bbolt keys m2.etcd/member/snap/db members
etcdutl snapshot restore backup.db --name nobody --data-dir x.etcd
head -c 24576 backup.db > plain.db; etcdutl snapshot restore plain.db --data-dir p.etcd; etcdutl snapshot restore plain.db --skip-hash-check --data-dir p.etcd && ls p.etcd/member
head -c 24576 backup.db > t.db; head -c 32 backup.db >> t.db; etcdutl snapshot restore t.db --data-dir t.etcd | head -c 60; etcdutl snapshot restore nosuch.db --data-dir n.etcd
etcdutl snapshot restore
