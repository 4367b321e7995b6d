package archrules

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io/fs"
	"slices"
	"strings"
	"syscall"
	"unsafe"
)

// On Linux, modgen lists folders and reads files with plain system calls.
// os.Open registers every file it opens with the runtime's poller (four
// fcntl and an epoll_ctl besides open, read and close): in a check that
// reads thousands of small files that was a third of its time. The
// errors are those of package os. This file is modgen's alone: projects
// receive archrules.go only, with the portable versions.
func init() {
	listDir = listDirLinux
	readFile = readFileLinux
}

// readFileLinux is readFile by open, read and close.
func readFileLinux(path string, buf []byte) ([]byte, error) {
	fd, err := openLinux(path, 0)
	if err != nil {
		return nil, err
	}
	defer syscall.Close(fd)
	b := buf[:0]
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := syscall.Read(fd, b[len(b):cap(b)])
		if errors.Is(err, syscall.EINTR) {
			continue
		}
		if err != nil {
			return nil, &fs.PathError{Op: "read", Path: path, Err: err}
		}
		if n == 0 {
			return b, nil
		}
		b = b[:len(b)+n]
	}
}

// openLinux opens path for reading, as os.Open does (with flags, such as
// O_DIRECTORY as os.ReadDir).
func openLinux(path string, flags int) (int, error) {
	for {
		fd, err := syscall.Open(path, syscall.O_RDONLY|syscall.O_CLOEXEC|flags, 0)
		if errors.Is(err, syscall.EINTR) {
			continue
		}
		if err != nil {
			return -1, &fs.PathError{Op: "open", Path: path, Err: err}
		}
		return fd, nil
	}
}

// Offsets in a linux_dirent64 record.
const (
	direntReclen = int(unsafe.Offsetof(syscall.Dirent{}.Reclen))
	direntType   = int(unsafe.Offsetof(syscall.Dirent{}.Type))
	direntName   = int(unsafe.Offsetof(syscall.Dirent{}.Name))
)

// listDirLinux is listDir by open, getdents64 and close, sorted by name. An entry of
// unknown type (some file systems give none) is looked up with lstat, as
// os.ReadDir does; one that has gone by then is left out, as there.
func listDirLinux(dir string) ([]dirEntry, error) {
	fd, err := openLinux(dir, syscall.O_DIRECTORY)
	if err != nil {
		return nil, err
	}
	defer syscall.Close(fd)
	var buf [16 << 10]byte
	var out []dirEntry
	for {
		n, err := syscall.Getdents(fd, buf[:])
		if errors.Is(err, syscall.EINTR) {
			continue
		}
		if err != nil {
			return nil, &fs.PathError{Op: "readdirent", Path: dir, Err: err}
		}
		if n <= 0 {
			// In order of name, as os.ReadDir returns them.
			slices.SortFunc(out, func(a, b dirEntry) int { return strings.Compare(a.name, b.name) })
			return out, nil
		}
		for rec := buf[:n]; len(rec) > direntName; {
			reclen := int(binary.NativeEndian.Uint16(rec[direntReclen:]))
			if reclen <= direntName || reclen > len(rec) {
				break
			}
			typ, name := rec[direntType], rec[direntName:reclen]
			rec = rec[reclen:]
			if i := bytes.IndexByte(name, 0); i >= 0 {
				name = name[:i]
			}
			if string(name) == "." || string(name) == ".." {
				continue
			}
			e := dirEntry{name: string(name), dir: typ == syscall.DT_DIR}
			if typ == syscall.DT_UNKNOWN {
				var st syscall.Stat_t
				path := dir + "/" + e.name
				if err := syscall.Lstat(path, &st); errors.Is(err, syscall.ENOENT) {
					continue
				} else if err != nil {
					return nil, &fs.PathError{Op: "lstat", Path: path, Err: err}
				}
				e.dir = st.Mode&syscall.S_IFMT == syscall.S_IFDIR
			}
			out = append(out, e)
		}
	}
}
