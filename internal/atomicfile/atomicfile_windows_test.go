package atomicfile

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"unsafe"

	"golang.org/x/sys/windows"
)

// fileAllAccess is FILE_ALL_ACCESS, the "FA" of SDDL (winnt.h).
const fileAllAccess windows.ACCESS_MASK = windows.STANDARD_RIGHTS_REQUIRED | windows.SYNCHRONIZE | 0x1ff

// ace is one entry of a DACL: who, what, and its inheritance flags.
type ace struct {
	sid   string
	mask  windows.ACCESS_MASK
	flags uint8
}

// readDACL reads path's DACL back: whether it is protected from
// inheritance, its entries, and the whole descriptor in SDDL for messages.
func readDACL(t *testing.T, path string) (protected bool, aces []ace, sddl string) {
	t.Helper()
	sd, err := windows.GetNamedSecurityInfo(path, windows.SE_FILE_OBJECT,
		windows.DACL_SECURITY_INFORMATION|windows.OWNER_SECURITY_INFORMATION)
	if err != nil {
		t.Fatalf("GetNamedSecurityInfo(%s): %v", path, err)
	}
	control, _, err := sd.Control()
	if err != nil {
		t.Fatal(err)
	}
	acl, _, err := sd.DACL()
	if err != nil {
		t.Fatalf("%s: DACL: %v (%s)", path, err, sd)
	}
	for i := range uint32(acl.AceCount) {
		var a *windows.ACCESS_ALLOWED_ACE
		if err := windows.GetAce(acl, i, &a); err != nil {
			t.Fatal(err)
		}
		if a.Header.AceType != windows.ACCESS_ALLOWED_ACE_TYPE {
			t.Fatalf("%s: ACE %d has type %d (%s)", path, i, a.Header.AceType, sd)
		}
		sid := (*windows.SID)(unsafe.Pointer(&a.SidStart))
		aces = append(aces, ace{sid.String(), a.Mask, a.Header.AceFlags})
	}
	return control&windows.SE_DACL_PROTECTED != 0, aces, sd.String()
}

// underWine reports whether the test runs under Wine rather than Windows.
func underWine() bool {
	return windows.NewLazySystemDLL("ntdll.dll").NewProc("wine_get_version").Find() == nil
}

// TestPrivateFileACL checks that a 0600 file ends up with exactly the
// current user and SYSTEM in a protected DACL, also when it replaces a file
// that had the directory's inherited ACL, and that a 0644 file keeps what
// the directory passes on.
//
// Wine 8 stores no security descriptors: it derives the DACL it reports
// from the file's Unix mode, which it derived from the descriptor given at
// creation, and never marks one protected. There the test checks what
// survives that round trip: the user and SYSTEM and nobody else, where a
// plain file also lets Everyone read.
func TestPrivateFileACL(t *testing.T) {
	user, err := windows.GetCurrentProcessToken().GetTokenUser()
	if err != nil {
		t.Fatal(err)
	}
	want := []ace{{user.User.Sid.String(), fileAllAccess, 0}, {"S-1-5-18", fileAllAccess, 0}}
	wine := underWine()
	dir := tempDir(t)
	path := filepath.Join(dir, "token.json")
	if err := os.WriteFile(path, []byte("inherited"), 0o600); err != nil {
		t.Fatal(err)
	}
	protected, aces, sddl := readDACL(t, path)
	if protected || sameACEs(aces, want) {
		t.Fatalf("os.WriteFile gave the DACL wanted of WriteFile (%s): the test would prove nothing", sddl)
	}
	if err := WriteFile(path, []byte("secret"), 0o600); err != nil {
		t.Fatal(err)
	}
	protected, aces, sddl = readDACL(t, path)
	t.Logf("token.json: %s (Wine: %v)", sddl, wine)
	if !protected && !wine {
		t.Errorf("DACL not protected: it takes entries from the directory (%s)", sddl)
	}
	if !sameACEs(aces, want) {
		t.Errorf("DACL %+v, want %+v (%s)", aces, want, sddl)
	}
	if got, err := os.ReadFile(path); err != nil || string(got) != "secret" {
		t.Errorf("read back %q, %v", got, err)
	}

	shared := filepath.Join(dir, "settings.toml")
	if err := WriteFile(shared, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if protected, aces, sddl := readDACL(t, shared); protected || sameACEs(aces, want) {
		t.Errorf("a 0644 file got the private DACL: %s", sddl)
	}
}

// sameACEs compares two DACLs' entries regardless of order: Windows keeps
// the order given, Wine reports its own.
func sameACEs(a, b []ace) bool {
	return len(a) == len(b) && !slices.ContainsFunc(a, func(x ace) bool { return !slices.Contains(b, x) })
}

// tempDir is t.TempDir, removed file by file: os.RemoveAll (and so
// t.TempDir's cleanup) fails under Wine 8 ("unlinkat: Invalid function"),
// while os.Remove works.
func tempDir(t *testing.T) string {
	dir, err := os.MkdirTemp("", "atomicfile-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if err := os.Remove(filepath.Join(dir, e.Name())); err != nil {
				t.Error(err)
			}
		}
		if err := os.Remove(dir); err != nil {
			t.Error(err)
		}
	})
	return dir
}
