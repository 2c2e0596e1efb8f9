package fakespotify

// TB is the part of testing.TB NewTestServer uses; it keeps the testing
// package out of binaries that run the fake (spotray demo).
type TB interface {
	Helper()
	Cleanup(func())
	Fatalf(format string, args ...any)
}

// NewTestServer starts a server on 127.0.0.1 and closes it when the test ends.
// Its base URL is s.URL().
func NewTestServer(t TB, opts Options) *Server {
	t.Helper()
	s := New(opts)
	if _, err := s.Listen("127.0.0.1:0"); err != nil {
		t.Fatalf("fakespotify: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}
