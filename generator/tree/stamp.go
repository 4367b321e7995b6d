package tree

import (
	"os"
	"path/filepath"
	"runtime"
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

// appendStamp appends to dst a stamp of the file name as of now: its
// device and inode numbers, size, and modification and change times; or
// nothing when the file cannot be stamped (see racyWindow and the
// stampFields of each system). The change time is set by the kernel on
// every write, rename or change of mode and cannot be set back by a
// program, so a file with the stamp it had holds what it held. A caller
// comparing stamps in a buffer of its own needs no allocation.
func appendStamp(dst []byte, name string, now time.Time) []byte {
	f, ok := stampFields(name)
	return appendFields(dst, f, ok, now)
}

// appendStampAt is appendStamp for the file rel (slash-separated) below
// the open folder dir.
func appendStampAt(dst []byte, dir *os.File, rel string, now time.Time) []byte {
	f, ok := stampFieldsAt(int(dir.Fd()), filepath.FromSlash(rel))
	runtime.KeepAlive(dir)
	return appendFields(dst, f, ok, now)
}

func appendFields(dst []byte, f fileStamp, ok bool, now time.Time) []byte {
	if !ok || now.Sub(time.Unix(0, f.ctime)) < racyWindow {
		return dst
	}
	dst = strconv.AppendUint(dst, f.dev, 10)
	dst = strconv.AppendUint(append(dst, '.'), f.ino, 10)
	dst = strconv.AppendInt(append(dst, '.'), f.size, 10)
	dst = strconv.AppendInt(append(dst, '.'), f.mtime, 10)
	return strconv.AppendInt(append(dst, '.'), f.ctime, 10)
}

type fileStamp struct {
	dev, ino           uint64
	size, mtime, ctime int64 // times in nanoseconds since 1970
}
