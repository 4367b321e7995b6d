//go:build linux || darwin

package tree

import "golang.org/x/sys/unix"

// stampFields reads the stamp of name, following symbolic links.
func stampFields(name string) (fileStamp, bool) {
	return stampFieldsAt(unix.AT_FDCWD, name)
}

// stampFieldsAt reads the stamp of name, relative to the open folder dirfd,
// following symbolic links.
func stampFieldsAt(dirfd int, name string) (fileStamp, bool) {
	var st unix.Stat_t
	if err := unix.Fstatat(dirfd, name, &st, 0); err != nil {
		return fileStamp{}, false
	}
	return fileStamp{
		dev: uint64(st.Dev), ino: uint64(st.Ino), size: st.Size,
		mtime: st.Mtim.Nano(), ctime: st.Ctim.Nano(),
	}, true
}
