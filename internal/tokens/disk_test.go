package tokens

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/oauth2"

	"github.com/spotray/spotray/internal/fakespotify"
	"github.com/spotray/spotray/internal/testenv"
)

// onSmallDisk moves src's login onto a 64 KiB file system and returns the
// token file's content.
func onSmallDisk(t *testing.T, src *Source) []byte {
	t.Helper()
	data, err := os.ReadFile(src.Store.Path())
	if err != nil {
		t.Fatal(err)
	}
	src.Store.Dir = testenv.SmallDisk(t, 64<<10)
	if err := os.WriteFile(src.Store.Path(), data, fileMode); err != nil {
		t.Fatal(err)
	}
	return data
}

// A refresh on a full disk must not spend the refresh token: Spotify would
// rotate it, and the answer could not be saved.
func TestRefreshOnAFullDiskSpendsNothing(t *testing.T) {
	fake, src, _ := loginAtFake(t, fakespotify.Options{Rotation: fakespotify.RotateSingleUse})
	before := onSmallDisk(t, src)
	testenv.Fill(t, src.Store.Dir)

	_, err := src.Token(context.Background())
	if !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("refresh on a full disk: %v, want ENOSPC", err)
	}
	if n := len(fake.Requests("/api/token")); n != 0 {
		t.Errorf("the token endpoint was called %d times on a full disk", n)
	}
	if after, _ := os.ReadFile(src.Store.Path()); !bytes.Equal(after, before) {
		t.Errorf("token.json changed:\n%s", after)
	}

	testenv.Free(t, src.Store.Dir)
	if _, err := src.Token(context.Background()); err != nil {
		t.Fatalf("after freeing space: %v", err)
	}
}

// fillingTransport fills the disk while the refresh request is in flight,
// as another program writing at that moment would.
type fillingTransport struct {
	t   *testing.T
	dir string
}

func (f fillingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	testenv.Fill(f.t, f.dir)
	return http.DefaultTransport.RoundTrip(r)
}

func TestRefreshSavedWhenTheDiskFillsMeanwhile(t *testing.T) {
	fake, src, stored := loginAtFake(t, fakespotify.Options{Rotation: fakespotify.RotateSingleUse})
	onSmallDisk(t, src)
	ctx := context.WithValue(context.Background(), oauth2.HTTPClient,
		&http.Client{Transport: fillingTransport{t, src.Store.Dir}})

	got, err := src.Token(ctx)
	if err != nil {
		t.Fatalf("refresh while the disk filled: %v", err)
	}
	if got.RefreshToken == stored.RefreshToken {
		t.Fatal("the fake did not rotate the refresh token")
	}
	saved, err := src.Store.Load()
	if err != nil || saved.RefreshToken != got.RefreshToken {
		t.Fatalf("the rotated refresh token was not saved: %+v, %v", saved, err)
	}
	if !refreshWorks(t, fake, saved.RefreshToken) {
		t.Error("the saved refresh token does not work")
	}
	if leftovers, _ := filepath.Glob(filepath.Join(src.Store.Dir, ".token.json.tmp-*")); len(leftovers) > 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}
}

// BenchmarkSaveRefresh measures the one window in which a refresh can
// still be lost: from Spotify's answer to the rename of the new token file
// (encoding, writing into the reserved space, flushing, renaming).
func BenchmarkSaveRefresh(b *testing.B) {
	s := &Store{Dir: b.TempDir()}
	t := sampleToken()
	t.AccessToken = strings.Repeat("a", 300) // Spotify's are about this long
	t.RefreshToken = strings.Repeat("r", 131)
	if err := s.Save(t); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		b.StopTimer()
		room, err := s.reserve(t)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if err := s.commit(room, t); err != nil {
			b.Fatal(err)
		}
	}
}
