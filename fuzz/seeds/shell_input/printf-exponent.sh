printf '%.70000e' 1 | wc -c; printf '%#.70000g' 1 | wc -c
