package login

import (
	"bytes"
	"crypto/rand"
	"errors"
	"html/template"
	"log/slog"
	"net/http"
	"strings"

	"golang.org/x/oauth2"

	"github.com/spotray/spotray/internal/config"
)

// message is a page that tells the user how the login went. Every field is
// escaped by html/template: Detail may quote Spotify or the callback's query.
type message struct {
	Title  string
	Lead   string // the one line that matters
	Detail string // what Spotify or the system said, if anything
	Hint   string // what to do about it
	URI    string // a URI to show verbatim, e.g. the redirect URI to register
}

var (
	msgConnected = message{Title: "Connected", Lead: "Connected to Spotify — you can close this tab."}
	msgDeclined  = message{Title: "Not connected",
		Lead: "You declined the authorization on Spotify's page, so spotray is not connected.",
		Hint: "To connect later, run `spotray login` again."}
	msgAuthError = message{Title: "Not connected", Lead: "Spotify did not authorize spotray.",
		Hint: "Run `spotray login` again. If it happens again, check your app at " + config.DashboardURL + "."}
	msgNoCode = message{Title: "Not connected",
		Lead: "Spotify's answer did not include an authorization code.", Hint: "Run `spotray login` again."}
	msgNotAllowed = message{Title: "This account cannot use the app",
		Lead: "Spotify issued a login, but refuses this account's requests (403 Forbidden), so spotray did not save it.",
		Hint: "Your Spotify app is in development mode: only its owner (who needs Premium) and at most 5 allow-listed users may use it. " +
			"Add your account under User Management in the app's settings at " + config.DashboardURL + ", then run `spotray login` again."}
	msgHandedOff = message{Title: "Refresh token created",
		Lead:   "spotray handed a new refresh token to your script: the terminal or the clipboard has it. You can close this tab.",
		Detail: "The token is not shown here, and spotray itself neither keeps nor uses it: its own login is unchanged.",
		Hint:   "How to use it: see the terminal, the notification, or the README's section on tokens for scripts."}
	msgSaveFailed = message{Title: "Not connected", Lead: "spotray could not save the login."}
	msgFinished   = message{Title: "Login already finished",
		Lead: "This login has already finished. You can close this tab; run `spotray login` to start a new one."}
	msgBadState = message{Title: "Unexpected request",
		Lead: "This address does not belong to the login spotray is waiting for, so it was ignored.",
		Hint: "Use the browser tab that spotray opened, or the address it printed."}
	msgStateUsed    = message{Title: "Already used", Lead: "This answer from Spotify was already used by this login."}
	msgForeignHost  = message{Title: "Bad request", Lead: "spotray only answers requests addressed to its own address."}
	msgQueryTooLong = message{Title: "Bad request", Lead: "This request is far too long to come from Spotify."}
	msgNotFound     = message{Title: "Not found", Lead: "There is nothing here."}
	msgMethod       = message{Title: "Method not allowed", Lead: "This page cannot be used that way."}
	msgCrossSite    = message{Title: "Refused", Lead: "The setup form can only be sent from spotray's own setup page."}
	msgBadForm      = message{Title: "Bad request", Lead: "spotray could not read the form.", Hint: "Go back and try again."}
	msgStaleForm    = message{Title: "Form out of date",
		Lead: "This setup form does not belong to the login spotray is running.",
		Hint: "Open the address that `spotray login` printed and fill in the form there."}
)

// summary is the page as one line, for the error Run returns.
func (m message) summary() string {
	return strings.TrimSpace(joinSentences(m.Detail, m.Hint) + " " + m.URI)
}

// setupData fills the setup page. It never carries the client secret: a
// page re-rendered after an error asks for it again rather than echo it.
type setupData struct {
	ClientID string
	Error    string
}

// Shared head and style of every page. The nonce lets the page's own style
// and script run under a Content-Security-Policy that allows nothing else.
const pageHead = `{{define "head"}}<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}} · spotray</title>
<style nonce="{{.Nonce}}">
body{font-family:system-ui,sans-serif;max-width:42rem;margin:3rem auto;padding:0 1rem;line-height:1.5;color:#1b1b1b}
code{background:#eee;padding:.1em .3em;border-radius:3px;word-break:break-all}
.error{color:#a40000}
label{display:block;margin-top:1rem}
input[type=text],input[type=password]{display:block;width:100%;box-sizing:border-box;font-family:monospace;padding:.4rem}
button{margin-top:1rem;padding:.4rem 1rem}
</style></head><body>
<h1>{{.Title}}</h1>
{{end}}`

// messagePage reports how the login went.
const messagePage = `{{template "head" .}}
<p id="lead">{{.Lead}}</p>
{{with .Detail}}<p id="detail">{{.}}</p>{{end}}
{{with .Hint}}<p id="hint">{{.}}</p>{{end}}
{{with .URI}}<p><code id="uri">{{.}}</code></p>{{end}}
</body></html>
`

// setupPage asks for the client ID of the user's Spotify app.
const setupPage = `{{template "head" .}}
<p>spotray needs a Spotify app of your own to read what is playing. Once:</p>
<ol>
<li>Create an app at <a href="https://developer.spotify.com/dashboard" target="_blank" rel="noreferrer noopener">developer.spotify.com/dashboard</a> (choose “Web API”).</li>
<li>Add this Redirect URI to it, exactly: <code id="uri">{{.RegisterURI}}</code> <button type="button" id="copy" hidden>Copy</button></li>
<li>Copy the app's Client ID into the form below.</li>
</ol>
{{with .Error}}<p class="error" id="error" role="alert">{{.}}</p>{{end}}
<form method="post" action="{{.Action}}">
<input type="hidden" name="form_token" value="{{.FormToken}}">
<label for="client_id">Client ID</label>
<input type="text" id="client_id" name="client_id" value="{{.ClientID}}" required autofocus
 pattern="\s*[0-9A-Fa-f]{32}\s*" title="32 hexadecimal characters" autocomplete="off" spellcheck="false">
<label for="client_secret">Client secret (optional: without one spotray uses PKCE, which is all it needs)</label>
<input type="password" id="client_secret" name="client_secret" autocomplete="off">
<button type="submit" id="save">Save and continue to Spotify</button>
</form>
<p>spotray saves them to <code>{{.ConfigFile}}</code>.</p>
<script nonce="{{.Nonce}}">
(function () {
  var b = document.getElementById("copy");
  if (!b || !navigator.clipboard) return;
  b.hidden = false;
  b.addEventListener("click", function () {
    navigator.clipboard.writeText(document.getElementById("uri").textContent).then(
      function () { b.textContent = "Copied"; },
      function () { b.textContent = "Select the address and copy it"; });
  });
})();
</script>
</body></html>
`

var (
	messageTmpl = template.Must(template.New("message").Parse(pageHead + messagePage))
	setupTmpl   = template.Must(template.New("setup").Parse(pageHead + setupPage))
)

// page writes a message page.
func (f *flow) page(w http.ResponseWriter, status int, m message) {
	nonce := rand.Text()
	f.write(w, status, nonce, messageTmpl, struct {
		message
		Nonce string
	}{m, nonce})
}

// setupForm writes the setup page.
func (f *flow) setupForm(w http.ResponseWriter, status int, d setupData) {
	nonce := rand.Text()
	f.write(w, status, nonce, setupTmpl, struct {
		setupData
		Title, Nonce, RegisterURI, Action, FormToken, ConfigFile string
	}{d, "Connect spotray to Spotify", nonce, f.site.registerURI, f.site.setupPath, f.formToken, f.paths.ConfigFile()})
}

// redirect sends the browser on with 303, so that a form POST becomes a GET.
func (f *flow) redirect(w http.ResponseWriter, to string) {
	securityHeaders(w.Header(), "")
	w.Header().Set("Location", to)
	w.WriteHeader(http.StatusSeeOther)
}

func (f *flow) write(w http.ResponseWriter, status int, nonce string, t *template.Template, data any) {
	var buf bytes.Buffer
	if err := t.Execute(&buf, data); err != nil {
		slog.Error("login: render page", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	securityHeaders(h, nonce)
	h.Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// securityHeaders keep the pages out of caches, frames and other sites'
// Referer headers (the callback's address holds the authorization code),
// and let only the page's own nonce-tagged style and script run. The
// referrer policy is same-origin rather than no-referrer because under
// no-referrer browsers send "Origin: null" with the setup form, which then
// cannot be told from a form posted by another site.
func securityHeaders(h http.Header, nonce string) {
	csp := "default-src 'none'; base-uri 'none'; frame-ancestors 'none'"
	if nonce != "" {
		csp += "; style-src 'nonce-" + nonce + "'; script-src 'nonce-" + nonce + "'"
	}
	h.Set("Content-Security-Policy", csp)
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
}

// exchangeMessage explains a failed token exchange, with a hint for the
// failures Spotify is known to report.
func exchangeMessage(err error, s site) message {
	m := message{Title: "Not connected", Lead: "Spotify did not accept spotray's request for a token."}
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) {
		m.Lead = "spotray could not get a token from Spotify."
		m.Detail = clean(err.Error())
		m.Hint = "Run `spotray login` again; if this repeats, check the internet connection."
		return m
	}
	m.Detail = clean(re.ErrorDescription)
	if m.Detail == "" {
		m.Detail = clean(re.ErrorCode)
	}
	if m.Detail == "" && re.Response != nil {
		m.Detail = re.Response.Status
	}
	m.Hint, m.URI = exchangeHint(re.ErrorCode, re.ErrorDescription, s)
	return m
}

// exchangeHint maps the token endpoint errors that Spotify is known to
// return to what the user can do, and the URI to show with it.
func exchangeHint(code, description string, s site) (hint, uri string) {
	d := strings.ToLower(description)
	switch {
	case strings.Contains(d, "invalid redirect uri"):
		return "The redirect URI must match one registered in your app at " + config.DashboardURL + " exactly " +
			"(scheme, host, port, path and trailing slash). Register this one in your app:", s.registerURI
	case code == "invalid_client":
		return "Check the client ID and, if you set one, the client secret (config.toml, or " +
			config.EnvClientID + " and " + config.EnvClientSecret + ") against your app at " + config.DashboardURL + ".", ""
	case strings.Contains(d, "code_verifier"):
		return "Spotify's answer does not belong to this login's PKCE check. Run `spotray login` again.", ""
	case strings.Contains(d, "invalid authorization code"):
		return "The authorization code expired or was already used. Run `spotray login` again.", ""
	}
	return "Run `spotray login` again.", ""
}
