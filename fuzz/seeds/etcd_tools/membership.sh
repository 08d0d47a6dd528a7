etcdctl member add infra4 --peer-urls=http://127.0.0.1:42380 --learner
etcdctl member list -w table
id=$(etcdctl member list | grep infra4 | egrep -o '^[0-9a-f]+'); sleep 1; etcdctl member promote $id
etcdctl --endpoints=127.0.0.1:42379 put via-infra4 x; etcdctl get via-infra4 --print-value-only
etcdctl member remove $id; etcdctl member list
etcdctl member remove abc
etcdctl member promote bf9071f4639c75cc
