package artcache

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/spotray/spotray/internal/testenv"
)

func encode(t *testing.T, format string) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 4, 4))
	img.Set(1, 1, color.RGBA{R: 200, A: 255})
	var buf bytes.Buffer
	var err error
	if format == "png" {
		err = png.Encode(&buf, img)
	} else {
		err = jpeg.Encode(&buf, img, nil)
	}
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// artServer serves a JPEG under /jpeg/..., a PNG under /png/..., and what
// the path says otherwise; it counts requests.
func artServer(t *testing.T) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	jpg, pngData := encode(t, "jpeg"), encode(t, "png")
	var requests atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		switch {
		case strings.HasPrefix(r.URL.Path, "/jpeg/"):
			w.Header().Set("Content-Type", "image/jpeg")
			w.Write(jpg)
		case strings.HasPrefix(r.URL.Path, "/png/"):
			// A wrong header: the content decides.
			w.Header().Set("Content-Type", "application/octet-stream")
			w.Write(pngData)
		case r.URL.Path == "/html":
			w.Write([]byte("<html><body>not an image</body></html>"))
		case r.URL.Path == "/huge":
			// No Content-Length: the size shows only while reading.
			w.Header().Set("Content-Type", "image/jpeg")
			w.Write(jpg)
			w.(http.Flusher).Flush()
			w.Write(make([]byte, MaxSize))
		case r.URL.Path == "/missing":
			http.NotFound(w, r)
		default:
			http.Error(w, "boom", http.StatusInternalServerError)
		}
	}))
	t.Cleanup(srv.Close)
	return srv, &requests
}

func TestGetDownloadsOnce(t *testing.T) {
	srv, requests := artServer(t)
	c := &Cache{Dir: filepath.Join(t.TempDir(), "art")}
	ctx := context.Background()
	for _, tc := range []struct{ path, ext string }{{"/jpeg/a", ".jpg"}, {"/png/b", ".png"}} {
		before := requests.Load()
		first, err := c.Get(ctx, srv.URL+tc.path)
		if err != nil {
			t.Fatal(err)
		}
		if filepath.Ext(first) != tc.ext || filepath.Dir(first) != c.Dir {
			t.Errorf("%s stored as %s", tc.path, first)
		}
		if err := testenv.CheckPerm(first, 0o600); err != nil {
			t.Error(err)
		}
		second, err := c.Get(ctx, srv.URL+tc.path)
		if err != nil || second != first {
			t.Errorf("second Get = %q, %v; want %q", second, err, first)
		}
		if n := requests.Load() - before; n != 1 {
			t.Errorf("%s: %d requests, want 1", tc.path, n)
		}
	}
	if err := testenv.CheckPerm(c.Dir, 0o700); err != nil {
		t.Errorf("cache dir: %v", err)
	}
}

func TestGetErrors(t *testing.T) {
	srv, _ := artServer(t)
	c := &Cache{Dir: t.TempDir()}
	for _, u := range []string{
		srv.URL + "/missing",
		srv.URL + "/error",
		srv.URL + "/html",
		srv.URL + "/huge",
		"file:///etc/passwd",
		"ftp://example.com/a.jpg",
		"/relative/path.jpg",
		"http:///no-host.jpg",
		"://bad",
	} {
		if path, err := c.Get(context.Background(), u); err == nil {
			t.Errorf("Get(%q) = %q, want an error", u, path)
		}
	}
	if entries, _ := os.ReadDir(c.Dir); len(entries) != 0 {
		t.Errorf("failed downloads left %d files", len(entries))
	}
}

func TestGetCancelled(t *testing.T) {
	srv, _ := artServer(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := (&Cache{Dir: t.TempDir()}).Get(ctx, srv.URL+"/jpeg/a"); err == nil {
		t.Error("Get with a cancelled context succeeded")
	}
}

func TestEvictsLeastRecentlyUsed(t *testing.T) {
	srv, requests := artServer(t)
	c := &Cache{Dir: t.TempDir()}
	ctx := context.Background()
	url := func(i int) string { return fmt.Sprintf("%s/jpeg/%d", srv.URL, i) }
	paths := make([]string, DefaultMax)
	// Ages set by hand: file times can be coarser than the test is fast.
	old := time.Now().Add(-time.Hour)
	for i := range DefaultMax {
		p, err := c.Get(ctx, url(i))
		if err != nil {
			t.Fatal(err)
		}
		paths[i] = p
		when := old.Add(time.Duration(i) * time.Second)
		if err := os.Chtimes(p, when, when); err != nil {
			t.Fatal(err)
		}
	}
	// Using image 0 makes image 1 the least recently used.
	if _, err := c.Get(ctx, url(0)); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Get(ctx, url(DefaultMax)); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(c.Dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != DefaultMax {
		t.Errorf("%d files cached, want %d", len(entries), DefaultMax)
	}
	if _, err := os.Stat(paths[1]); err == nil {
		t.Error("the least recently used image was kept")
	}
	if _, err := os.Stat(paths[0]); err != nil {
		t.Errorf("a recently used image was evicted: %v", err)
	}
	if n := requests.Load(); n != DefaultMax+1 {
		t.Errorf("%d requests, want %d", n, DefaultMax+1)
	}
}

func TestEvictionHonoursMaxAndLeavesOtherFiles(t *testing.T) {
	srv, _ := artServer(t)
	c := &Cache{Dir: t.TempDir(), Max: 3}
	stranger := filepath.Join(c.Dir, "notes.txt")
	if err := os.WriteFile(stranger, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for i := range 10 {
		if _, err := c.Get(context.Background(), fmt.Sprintf("%s/png/%d", srv.URL, i)); err != nil {
			t.Fatal(err)
		}
	}
	images, _ := filepath.Glob(filepath.Join(c.Dir, "*.png"))
	if len(images) != 3 {
		t.Errorf("%d images kept, want 3", len(images))
	}
	if _, err := os.Stat(stranger); err != nil {
		t.Errorf("eviction removed a file it does not own: %v", err)
	}
}
