package zalo

import (
	"errors"
	"net/http"
	"strconv"
)

// Outcomes of a call, the values Outcome returns.
const (
	OutcomeOK       = "ok"        // the platform answered ok
	OutcomeNoUpdate = "no_update" // getUpdates waited and nothing came (408)
	OutcomeNetwork  = "network"   // no answer: refused, reset, timed out
	Outcome5xx      = "5xx"       // the platform (or a proxy before it) failed
	Outcome4xx      = "4xx"       // refused, other than 401, 403 and 429
)

// Methods are the platform's methods; any other is counted as "other", so
// that a label never carries what a URL path might.
var Methods = []string{"getMe", "getUpdates", "setWebhook", "deleteWebhook", "getWebhookInfo", "testWebhook",
	"sendMessage", "sendPhoto", "sendSticker", "sendVoice", "sendChatAction"}

// MethodLabel is method if it is one of Methods, else "other".
func MethodLabel(method string) string {
	for _, m := range Methods {
		if m == method {
			return m
		}
	}
	return "other"
}

// Outcome names the result of a call from its HTTP status (0: none) and
// error: ok, no_update, network, 5xx, 401, 403, 429 or 4xx. The platform's
// own error_code wins over the HTTP status when it says more.
func Outcome(status int, err error) string {
	if err == nil {
		return OutcomeOK
	}
	code := status
	var ae *APIError
	if errors.As(err, &ae) && ae.Code >= 400 && ae.Code <= 599 {
		code = ae.Code
	}
	switch {
	case code == 0:
		return OutcomeNetwork
	case code >= 500:
		return Outcome5xx
	case code == http.StatusRequestTimeout:
		return OutcomeNoUpdate
	case code == http.StatusUnauthorized, code == http.StatusForbidden, code == http.StatusTooManyRequests:
		return strconv.Itoa(code)
	case code >= 400:
		return Outcome4xx
	}
	if errors.As(err, &ae) {
		return Outcome4xx // {"ok":false} without an error status
	}
	return Outcome5xx // an answer that could not be read
}
