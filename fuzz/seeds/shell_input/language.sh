f() { case "$1" in a*) echo "A:${1#a}";; *) echo "other: ${1:-none}";; esac; }
f abc; f; for x in 1 2 3; do f "$x"; done | sort -r | head -n 2
cat <<END | tr a-z A-Z
here ${HOME:-/} $(echo doc)
END
if [ -n "${x+set}" ] && ! false; then echo "set: ${#x}"; else echo unset; fi
mkdir -p /tmp/d && echo hi > /tmp/d/f && cat /tmp/d/f >> /tmp/d/g; ls /tmp/d; wc -l < /tmp/d/g
