bbolt check backup.db
bbolt buckets backup.db
bbolt keys backup.db meta
bbolt keys backup.db key | head -n 3
bbolt keys backup.db nosuchbucket
bbolt pages backup.db
bbolt stats backup.db
bbolt stats backup.db auth
bbolt page backup.db 0 3
bbolt page backup.db 99
bbolt check nosuchfile.db
seq 1 5000 > text.db; bbolt check text.db
bbolt frobnicate backup.db
