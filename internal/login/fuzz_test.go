package login

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/spotray/spotray/internal/fakespotify"
)

var (
	tagRE     = regexp.MustCompile(`<(/?[A-Za-z!][A-Za-z0-9-]*)`)
	handlerRE = regexp.MustCompile(`(?i)<[^>]*\son[a-z]+\s*=`)
)

// FuzzCallback feeds the handler arbitrary paths, queries and Host headers.
// In a query, STATE stands for the login's state and CODE for a code that
// Spotify really issued for it, so the fuzzer can reach the exchange.
// Invariants: no panic; no request to the token endpoint and no 200 unless
// the request is the one correct callback; nothing from the request is
// written into a page unescaped.
func FuzzCallback(f *testing.F) {
	seeds := [][3]string{
		{"/callback", "state=STATE&code=CODE", ""},
		{"/callback", "code=CODE&state=STATE", "127.0.0.1:8974"},
		{"/callback", "state=STATE&error=access_denied", ""},
		{"/callback", "state=wrong&code=CODE", ""},
		{"/callback", "code=CODE", ""},
		{"/callback", "state=STATE", ""},
		{"/callback", "state=STATE&state=STATE&code=CODE", ""},
		{"/callback", "state=STATE&code=CODE&error=server_error", ""},
		{"/callback", "state=STATE&error=%3Cscript%3Ealert(1)%3C%2Fscript%3E", ""},
		{"/callback", "state=STATE&error=x&error_description=%22%3E%3Cimg+src%3Dx+onerror%3Dalert(1)%3E", ""},
		{"/callback", "state=STATE&error=<p onclick=alert(1)>", ""},
		{"/callback", "state=STATE&code=%3Cb%3Ebold%3C%2Fb%3E", ""},
		{"/callback", "state=STATE&code=CODE", "evil.example:8974"},
		{"/callback", "state=STATE&code=CODE", "<script>:8974"},
		{"/callback", "state=STATE&code=CODE&pad=" + strings.Repeat("a", maxQuery), ""},
		{"/callback", "%zz=%&state", ""},
		{"/callback/", "state=STATE&code=CODE", ""},
		{"/%2e%2e/callback", "state=STATE&code=CODE", ""},
		{"/<script>alert(1)</script>", "", ""},
		{"/favicon.ico", "", ""},
		{"/setup", "client_id=<script>", ""},
		{"/", "", ""},
	}
	for _, s := range seeds {
		f.Add(s[0], s[1], s[2])
	}
	fake := fakespotify.NewTestServer(f, fakespotify.Options{AutoApprove: true})
	allowedTags := map[string]bool{}
	for _, m := range tagRE.FindAllStringSubmatch(pageHead+messagePage+setupPage, -1) {
		allowedTags[strings.ToLower(m[1])] = true
	}

	f.Fuzz(func(t *testing.T, path, query, host string) {
		fl := newTestFlow(t, testConfig(fake))
		query = strings.ReplaceAll(query, "STATE", url.QueryEscape(fl.state))
		code := ""
		if strings.Contains(query, "CODE") {
			code = consent(t, fl.authorizeURL()).Get("code")
			query = strings.ReplaceAll(query, "CODE", url.QueryEscape(code))
		}
		if host == "" {
			host = fl.site.host
		}
		req := &http.Request{Method: http.MethodGet, URL: &url.URL{Path: path, RawQuery: query},
			Host: host, Header: http.Header{}, Body: http.NoBody}
		tokenCalls := len(fake.Requests("/api/token"))
		rec := httptest.NewRecorder()
		fl.ServeHTTP(rec, req)

		q, _ := url.ParseQuery(query)
		correct := path == fl.site.callbackPath && host == fl.site.host && len(query) <= maxQuery &&
			len(q["state"]) == 1 && q.Get("state") == fl.state && q.Get("error") == "" && q.Get("code") != ""
		if exchanged := len(fake.Requests("/api/token")) > tokenCalls; exchanged && !correct {
			t.Fatalf("token exchange for %s?%s (Host %s)", path, query, host)
		}
		if rec.Code == http.StatusOK && !(correct && code != "" && q.Get("code") == code) {
			t.Fatalf("200 for %s?%s (Host %s)", path, query, host)
		}

		body := rec.Body.String()
		for _, m := range tagRE.FindAllStringSubmatch(body, -1) {
			if !allowedTags[strings.ToLower(m[1])] {
				t.Fatalf("unexpected tag %q in the page for %s?%s", m[0], path, query)
			}
		}
		if handlerRE.MatchString(body) {
			t.Fatalf("event handler attribute in the page for %s?%s", path, query)
		}
		inputs := []string{path, host, query}
		for k, vs := range q {
			inputs = append(inputs, k)
			inputs = append(inputs, vs...)
		}
		for _, in := range inputs {
			if strings.Contains(in, "<") && strings.Contains(body, in) && !strings.Contains(pageHead+messagePage+setupPage, in) {
				t.Fatalf("input %q written unescaped", in)
			}
		}
		noTokens(t, fake, rec)
	})
}
