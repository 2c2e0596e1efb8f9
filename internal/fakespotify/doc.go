// Package fakespotify is a simulated Spotify: the accounts service
// (/authorize, /api/token) and the Web API (/v1/...) on one base URL, so the
// login flow, token refresh, polling and the tray can be exercised end to end
// without a Spotify account, and so spotray demo has something to show.
//
// It follows the behaviour the real service shows to a desktop client: exact redirect-URI matching with the RFC 8252
// any-port rule for loopback URIs registered without a port, refusal of
// localhost and non-loopback http, PKCE (S256 only), HTTP Basic client
// authentication for apps with a secret, single-use codes, single-use or
// omitted refresh-token rotation, logins that end six months after consent,
// 401 for an expired access token, 204 when nothing plays and item null for an
// episode unless additional_types=episode is asked for.
//
// Like Spotify, /authorize shows its consent page (a form with buttons
// #agree and #cancel) only when the user has not yet agreed to every
// requested scope for that app, or when show_dialog=true; otherwise it
// redirects back at once. Options.AutoApprove never shows the page.
//
// Typical test use:
//
//	s := fakespotify.NewTestServer(t, fakespotify.Options{AutoApprove: true})
//	s.SetCurrentlyPlaying(fakespotify.Fixture(fakespotify.FixtureTrack))
//	// point SPOTRAY_ACCOUNTS_URL and SPOTRAY_API_URL at s.URL()
//
// or, without a browser, s.Grant(fakespotify.DefaultClientID, "") for a
// logged-in token to store.
//
// Outside tests (spotray demo):
//
//	s := fakespotify.New(fakespotify.Options{AutoApprove: true})
//	s.SetPlaylist(fakespotify.DemoPlaylist())
//	url, err := s.Listen("127.0.0.1:0")
//	defer s.Close()
//
// Connection refused: Close stops listening while keeping every token and
// setting, so a test can Close, observe refused connections, and Listen again
// on the same address (the host:port of the old URL) to come back with the
// same state.
//
// The fake never writes a token value to a page or a log; tests read issued
// tokens through IssuedTokens to scan spotray's own logs for leaks.
package fakespotify
