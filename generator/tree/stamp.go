package tree

import (
	"strconv"
	"time"
)

// racyWindow is how old a file's last change must be for its stamp to be
// trusted. A file changed twice within one tick of the file system's clock
// (a few milliseconds; whole seconds on some file systems) keeps its
// times, and may keep its size: a stamp taken between the two changes
// would vouch for content the file no longer has. A file changed in the
// last two seconds is therefore read, and stamped by a later command (as
// git and the go command's file hash cache do).
const racyWindow = 2 * time.Second

// stampOf returns a stamp of the file name as of now: its device and inode
// numbers, size, and modification and change times, or "" when the file
// cannot be stamped (see racyWindow and the stampFields of each system).
// The change time is set by the kernel on every write, rename or change of
// mode and cannot be set back by a program, so a file with the stamp it
// had holds what it held.
func stampOf(name string, now time.Time) string {
	f, ok := stampFields(name)
	if !ok || now.Sub(time.Unix(0, f.ctime)) < racyWindow {
		return ""
	}
	var b []byte
	for i, n := range []int64{int64(f.dev), int64(f.ino), f.size, f.mtime, f.ctime} {
		if i > 0 {
			b = append(b, '.')
		}
		b = strconv.AppendInt(b, n, 10)
	}
	return string(b)
}

type fileStamp struct {
	dev, ino           uint64
	size, mtime, ctime int64 // times in nanoseconds since 1970
}
