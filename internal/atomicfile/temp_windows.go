package atomicfile

import (
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"unsafe"

	"golang.org/x/sys/windows"
)

// createTemp creates the temporary file. For a private perm it gives the
// file, as it is created, a protected DACL that allows only the current user
// and SYSTEM, so the secret never exists with a wider ACL, not even for a
// moment. The rename keeps the file's own DACL.
//
// Without it the file would get what its directory passes on. spotray's
// directory is %LOCALAPPDATA%\spotray, and on a default Windows install the
// user's profile passes on full control for the user, SYSTEM and the
// Administrators group: other standard users cannot read the file, but any
// elevated administrator (another account too) can, and a copy or a
// profile whose ACL was loosened (or a directory moved by setting
// LOCALAPPDATA elsewhere) would carry the secret into a wider ACL.
//
// SYSTEM keeps access: it is the operating system itself and can read every
// file through its backup privilege anyway, so removing it would protect
// nothing, while services that run as SYSTEM (backup, restore of previous
// versions, the antivirus scanner) expect to open users' files without
// resorting to that privilege. Administrators are left out: an
// administrator who needs the file has to take ownership of it first, a
// deliberate step that changes the file, rather than read it in passing.
func createTemp(dir, base string, perm fs.FileMode) (*os.File, error) {
	if perm&0o077 != 0 {
		return createTempMode(dir, base, perm)
	}
	sa, err := privateAttributes()
	if err != nil {
		return nil, err
	}
	for range 100 {
		name := filepath.Join(dir, tempPrefix(base)+strconv.FormatUint(uint64(rand.Uint32()), 10))
		p, err := windows.UTF16PtrFromString(name)
		if err != nil {
			return nil, &fs.PathError{Op: "create", Path: name, Err: err}
		}
		// The sharing mode is the one os.CreateTemp uses.
		h, err := windows.CreateFile(p, windows.GENERIC_READ|windows.GENERIC_WRITE,
			windows.FILE_SHARE_READ|windows.FILE_SHARE_WRITE, sa, windows.CREATE_NEW,
			windows.FILE_ATTRIBUTE_NORMAL, 0)
		if errors.Is(err, windows.ERROR_FILE_EXISTS) {
			continue
		}
		if err != nil {
			return nil, &fs.PathError{Op: "create", Path: name, Err: err}
		}
		return os.NewFile(uintptr(h), name), nil
	}
	return nil, &fs.PathError{Op: "create", Path: filepath.Join(dir, tempPrefix(base)+"*"), Err: fs.ErrExist}
}

// privateAttributes is a security descriptor owned by the current user, with
// a protected DACL (nothing inherited from the directory) granting full
// access to that user and to SYSTEM only.
func privateAttributes() (*windows.SecurityAttributes, error) {
	user, err := windows.GetCurrentProcessToken().GetTokenUser()
	if err != nil {
		return nil, fmt.Errorf("private file: current user: %w", err)
	}
	sid := user.User.Sid.String()
	// O: owner; D:P a protected DACL; FA is FILE_ALL_ACCESS; SY is SYSTEM.
	sd, err := windows.SecurityDescriptorFromString("O:" + sid + "D:P(A;;FA;;;" + sid + ")(A;;FA;;;SY)")
	if err != nil {
		return nil, fmt.Errorf("private file: security descriptor: %w", err)
	}
	return &windows.SecurityAttributes{
		Length:             uint32(unsafe.Sizeof(windows.SecurityAttributes{})),
		SecurityDescriptor: sd,
	}, nil
}
