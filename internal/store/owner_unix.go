//go:build unix

package store

import (
	"fmt"
	"os"
	"syscall"
)

// describeOwner says whose a file is and its mode, for an error about who
// may open it; "" when that cannot be told.
func describeOwner(path string) string {
	st, err := os.Stat(path)
	if err != nil {
		return ""
	}
	sys, ok := st.Sys().(*syscall.Stat_t)
	if !ok {
		return ""
	}
	return fmt.Sprintf(" (it is mode %04o, owned by uid %d gid %d; this process runs as uid %d)", st.Mode().Perm(), sys.Uid, sys.Gid, os.Geteuid())
}
