package tree

import (
	"os"

	"golang.org/x/sys/unix"
)

func init() {
	syncFilesystem = func(name string) error {
		f, err := os.Open(name)
		if err != nil {
			return err
		}
		defer f.Close()
		return unix.Syncfs(int(f.Fd()))
	}
}
