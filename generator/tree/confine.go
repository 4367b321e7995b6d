package tree

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"strings"
)

// CheckRelPath reports whether rel is a clean, slash-separated path that
// stays inside the folder it is relative to: not absolute, no "..", no
// backslash, no empty or "." element.
func CheckRelPath(rel string) error {
	if plainRelPath(rel) {
		return nil
	}
	return checkRelPath(rel)
}

// checkRelPath is CheckRelPath without the quick yes of plainRelPath.
func checkRelPath(rel string) error {
	switch {
	case rel == "" || rel == ".":
		return errors.New("the path is empty")
	case strings.Contains(rel, `\`):
		return errors.New("the path contains a backslash; paths are slash-separated")
	case path.IsAbs(rel) || filepath.IsAbs(rel) || filepath.VolumeName(rel) != "":
		return errors.New("the path is absolute; paths are relative to the project root")
	case path.Clean(rel) != rel:
		return fmt.Errorf("the path is not clean (%s would be)", path.Clean(rel))
	case !filepath.IsLocal(filepath.FromSlash(rel)):
		return errors.New("the path leaves the project root")
	}
	return nil
}

// plainRelPath reports, without allocating, that rel passes CheckRelPath
// on a system other than Windows (whose reserved names, such as NUL, the
// full check knows): its elements, separated by single slashes, are
// neither empty, nor "." nor "..", and it has no backslash. modgen.sum
// holds thousands of paths, all checked on every command. It may say
// false of a good path; CheckRelPath then decides (FuzzCheckRelPath
// compares the two).
func plainRelPath(rel string) bool {
	if runtime.GOOS == "windows" || strings.IndexByte(rel, '\\') >= 0 {
		return false
	}
	for {
		elem, rest, more := strings.Cut(rel, "/")
		if elem == "" || elem[0] == '.' && (len(elem) == 1 || len(elem) == 2 && elem[1] == '.') {
			return false
		}
		if !more {
			return true
		}
		rel = rest
	}
}

// confined is a path modgen may write, resolved inside the project root.
type confined struct {
	// Real is the absolute path to write, after following the symbolic links
	// on the way (all of which lead inside the root).
	Real string
	// Missing are the folders that do not exist yet, parents first.
	Missing []string
}

// confine resolves rel (slash-separated, relative to root) component by
// component. Every symbolic link on the way, the last component included,
// must lead inside root: modgen never reads through, writes through or
// replaces a link that leads outside the project. root must be absolute and
// free of symbolic links (see realRoot).
func confine(root, rel string) (confined, error) {
	if err := CheckRelPath(rel); err != nil {
		return confined{}, fmt.Errorf("refusing to write %q: %v", rel, err)
	}
	parts := strings.Split(rel, "/")
	cur := root
	for i, part := range parts {
		next := filepath.Join(cur, part)
		last := i == len(parts)-1
		info, err := os.Lstat(next)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			var c confined
			for _, p := range parts[i : len(parts)-1] {
				next = filepath.Join(cur, p)
				c.Missing = append(c.Missing, next)
				cur = next
			}
			c.Real = filepath.Join(cur, parts[len(parts)-1])
			return c, nil
		case err != nil:
			return confined{}, fmt.Errorf("%s: %w", rel, err)
		case info.Mode()&fs.ModeSymlink != 0:
			shown := strings.Join(parts[:i+1], "/")
			target, err := filepath.EvalSymlinks(next)
			if err != nil {
				link, _ := os.Readlink(next)
				return confined{}, fmt.Errorf("refusing to write %s: %s is a symbolic link to %s, which does not exist; remove the link or make it point inside the project", rel, shown, link)
			}
			if !inside(root, target) {
				return confined{}, fmt.Errorf("refusing to write %s: %s is a symbolic link to %s, outside the project; modgen never writes outside the project root, so replace the link with a folder or file inside it", rel, shown, target)
			}
			next = target
			if info, err = os.Stat(next); err != nil {
				return confined{}, fmt.Errorf("%s: %w", rel, err)
			}
		}
		if !last && !info.IsDir() {
			return confined{}, fmt.Errorf("cannot write %s: %s is a file, not a folder; move it away", rel, strings.Join(parts[:i+1], "/"))
		}
		if last && info.IsDir() {
			return confined{}, fmt.Errorf("cannot write %s: it is a folder; move it away", rel)
		}
		cur = next
	}
	return confined{Real: cur}, nil
}

// inside reports whether path is root or below it. Both are absolute and
// free of symbolic links.
func inside(root, path string) bool {
	rel, err := filepath.Rel(root, path)
	return err == nil && (rel == "." || filepath.IsLocal(rel))
}

// realRoot returns dir as an absolute path without symbolic links, so a
// project reached through a link keeps working and confinement compares
// real paths.
func RealRoot(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	real, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return "", err
	}
	return real, nil
}
