// Package artcache keeps album art on disk for notifications, which take an
// image file rather than a URL. Each image is downloaded once and the cache
// keeps only the most recently used few.
package artcache

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/spotray/spotray/internal/atomicfile"
)

// DefaultMax is the number of files kept when Cache.Max is zero.
const DefaultMax = 50

// MaxSize is the largest image accepted. Spotify's largest album art
// (640 px JPEG) is around 100 KiB; anything much bigger is not album art.
const MaxSize = 2 << 20

// Timeout bounds one download, so that a stalled server delays a
// notification a little instead of forever.
const Timeout = 15 * time.Second

// extensions maps the image types notification daemons all display to the
// file name extension they recognise.
var extensions = map[string]string{"image/jpeg": ".jpg", "image/png": ".png"}

// Cache stores downloaded images in Dir (created 0700 when needed). The zero
// values of HTTP and Max mean a client with a Timeout and DefaultMax. A Cache
// is safe for concurrent use; it must not be copied after first use.
type Cache struct {
	Dir  string
	HTTP *http.Client
	Max  int // files kept at most

	mu sync.Mutex // serialises the eviction scans
}

// Get returns the path of the image at rawURL (http or https), downloading
// it only if it is not in the cache yet. The file is named after the URL's
// SHA-256, with .jpg or .png after the content, so it is found again without
// an index. Using a file makes it the most recently used.
func (c *Cache) Get(ctx context.Context, rawURL string) (path string, err error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "", fmt.Errorf("album art: %w", err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("album art %q: not an http(s) URL", rawURL)
	}
	sum := sha256.Sum256([]byte(rawURL))
	key := hex.EncodeToString(sum[:])
	for _, ext := range extensions {
		path := filepath.Join(c.Dir, key+ext)
		now := time.Now()
		if err := os.Chtimes(path, now, now); err == nil {
			return path, nil
		}
	}
	data, ext, err := c.download(ctx, rawURL)
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(c.Dir, 0o700); err != nil {
		return "", fmt.Errorf("album art cache: %w", err)
	}
	path = filepath.Join(c.Dir, key+ext)
	if err := atomicfile.WriteFile(path, data, 0o600); err != nil {
		return "", fmt.Errorf("album art cache: %w", err)
	}
	if err := c.evict(path); err != nil {
		return "", fmt.Errorf("album art cache: %w", err)
	}
	return path, nil
}

// download fetches an image and returns it with the file name extension of
// its type, decided from the content rather than the Content-Type header.
func (c *Cache) download(ctx context.Context, rawURL string) ([]byte, string, error) {
	ctx, cancel := context.WithTimeout(ctx, Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, "", fmt.Errorf("album art: %w", err)
	}
	client := c.HTTP
	if client == nil {
		client = &http.Client{Timeout: Timeout}
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, "", fmt.Errorf("album art: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, "", fmt.Errorf("album art %s: %s", rawURL, resp.Status)
	}
	if resp.ContentLength > MaxSize {
		return nil, "", fmt.Errorf("album art %s: %d bytes, more than %d", rawURL, resp.ContentLength, MaxSize)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, MaxSize+1))
	if err != nil {
		return nil, "", fmt.Errorf("album art %s: %w", rawURL, err)
	}
	if len(data) > MaxSize {
		return nil, "", fmt.Errorf("album art %s: more than %d bytes", rawURL, MaxSize)
	}
	typ := http.DetectContentType(data)
	ext, ok := extensions[typ]
	if !ok {
		return nil, "", fmt.Errorf("album art %s: %s is not a PNG or JPEG image", rawURL, typ)
	}
	return data, ext, nil
}

// evict removes the least recently used images beyond the limit, never
// keep, the image just stored.
func (c *Cache) evict(keep string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	limit := c.Max
	if limit <= 0 {
		limit = DefaultMax
	}
	entries, err := os.ReadDir(c.Dir)
	if err != nil {
		return err
	}
	type file struct {
		path string
		used time.Time
	}
	var others []file
	for _, e := range entries {
		path := filepath.Join(c.Dir, e.Name())
		if path == keep || !e.Type().IsRegular() || !isImageName(e.Name()) {
			continue
		}
		info, err := e.Info()
		if errors.Is(err, fs.ErrNotExist) {
			continue // evicted concurrently
		}
		if err != nil {
			return err
		}
		others = append(others, file{path, info.ModTime()})
	}
	if len(others) < limit {
		return nil
	}
	slices.SortFunc(others, func(a, b file) int { return b.used.Compare(a.used) }) // newest first
	for _, f := range others[limit-1:] {
		if err := os.Remove(f.path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	return nil
}

// isImageName reports whether name is one Get gives its files: eviction
// leaves alone atomicfile's temporary files and whatever else is in Dir.
func isImageName(name string) bool {
	ext := filepath.Ext(name)
	key := strings.TrimSuffix(name, ext)
	_, err := hex.DecodeString(key)
	return err == nil && len(key) == 2*sha256.Size && (ext == ".jpg" || ext == ".png")
}
