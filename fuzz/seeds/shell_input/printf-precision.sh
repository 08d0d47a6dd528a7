printf '%.65536f' 1 | wc -c
