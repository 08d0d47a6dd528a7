rev=$(echo '{"header":{"revision":14}}' | egrep -o '"revision":[0-9]*' | egrep -o '[0-9].*')
echo $((16*1024*1024)) $rev
i=0; while [ 1 ]; do dd if=/dev/urandom bs=1024 count=4 2>/dev/null | wc -c || break; i=$((i+1)); [ $i -ge 3 ] && break; done
