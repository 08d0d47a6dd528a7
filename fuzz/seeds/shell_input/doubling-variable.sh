x=aaaaaaaaaaaaaaaa; while true; do x=$x$x; done; echo ${#x}
