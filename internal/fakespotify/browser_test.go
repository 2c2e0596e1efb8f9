package fakespotify

import (
	"context"
	"net"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/spotray/spotray/internal/testenv"
)

// TestConsentInChromium clicks through the consent page in a real browser
// and exchanges the code that reaches the app's callback.
func TestConsentInChromium(t *testing.T) {
	testenv.Require(t, "chromium")
	s := NewTestServer(t, Options{})

	got := make(chan url.Values, 1)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	callback := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got <- r.URL.Query()
		_, _ = w.Write([]byte("<p id=done>done</p>"))
	}), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = callback.Serve(ln) }()
	t.Cleanup(func() { _ = callback.Close() })
	redirect := "http://" + ln.Addr().String() + "/callback"

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath("/usr/bin/chromium"),
		chromedp.NoSandbox,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.UserDataDir(t.TempDir()),
	)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	ctx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	defer cancelAlloc()
	ctx, cancelBrowser := chromedp.NewContext(ctx)
	defer cancelBrowser()

	err = chromedp.Do(ctx, chromedp.Navigate(s.URL()+"/authorize?"+pkceQuery(DefaultClientID, redirect).Encode()))
	if err != nil {
		t.Fatalf("browser: %v", err)
	}
	app, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#app")))
	if err != nil {
		t.Fatalf("browser: %v", err)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#agree")), chromedp.WaitVisible(chromedp.CSS("#done"))); err != nil {
		t.Fatalf("browser: %v", err)
	}
	if app != DefaultAppName {
		t.Errorf("consent page names %q", app)
	}
	q := <-got
	if q.Get("state") != "st4te" {
		t.Errorf("state %q", q.Get("state"))
	}
	status, body := postToken(t, s, url.Values{
		"grant_type": {"authorization_code"}, "code": {q.Get("code")}, "redirect_uri": {redirect},
		"client_id": {DefaultClientID}, "code_verifier": {verifier},
	}, "", "")
	if status != http.StatusOK {
		t.Fatalf("exchange: %d %v", status, body)
	}
}
