package telegram

import "testing"

// The webhook server bounds every phase of a request, so that nobody can
// hold a connection (a file descriptor) by writing slowly or not at all.
func TestWebhookServerHasLimits(t *testing.T) {
	srv := newWebhookServer(nil)
	for name, v := range map[string]int64{
		"ReadHeaderTimeout": int64(srv.ReadHeaderTimeout), "ReadTimeout": int64(srv.ReadTimeout),
		"WriteTimeout": int64(srv.WriteTimeout), "IdleTimeout": int64(srv.IdleTimeout),
		"MaxHeaderBytes": int64(srv.MaxHeaderBytes),
	} {
		if v <= 0 {
			t.Errorf("%s is not set", name)
		}
	}
	if srv.WriteTimeout <= 60e9 {
		t.Errorf("WriteTimeout %v cuts answers Telegram still waits for (60 s)", srv.WriteTimeout)
	}
}
