for i in 1 2 3; do sleep 7d; echo slept $i; done; echo not-reached
echo x > /dev/full; echo status $?
printf 'a\377b\n' > raw; x=$(cat raw); printf '%s\n' "$x" | wc -c
