printf 'a%3000000000sb\n' x y
printf '%300000000s' x; echo not-reached
