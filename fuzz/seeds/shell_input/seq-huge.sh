seq 1.$(printf '%070000d' 1) 2 | wc -c; seq 1e300 1e300 | wc -l
