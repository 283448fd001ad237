package proxy

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/ingresskit/ingresskit/simulate"
)

// textPage writes a plain-text error page. The pages name what was
// missing so the fix is on the screen.
func textPage(w http.ResponseWriter, status int, body string) {
	h := w.Header()
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}

func notFoundText(e *Entry) string {
	return fmt.Sprintf("404 Not Found: no Ingress rule matches %s://%s%s and there is no defaultBackend\n",
		e.Scheme, e.Host, e.Path)
}

func noUpstreamText(key string, d simulate.Decision) string {
	via := ""
	if d.Ingress != nil {
		via = fmt.Sprintf(" (Ingress %s, %s)", d.Ingress.Key(), d.Ingress.Source.Pos)
	}
	ns, rest := splitKey(key)
	svc, port := rest, ""
	for i := len(rest) - 1; i >= 0; i-- {
		if rest[i] == ':' {
			svc, port = rest[:i], rest[i+1:]
			break
		}
	}
	return fmt.Sprintf("503 Service Unavailable: no upstream for Service %s%s.\n"+
		"Start one and name it with --upstream, for example:\n"+
		"  kubectl port-forward -n %s svc/%s 9001:%s\n"+
		"  ingresskit proxy ... --upstream %s=127.0.0.1:9001\n",
		key, via, ns, svc, port, key)
}

func splitKey(key string) (string, string) {
	for i := 0; i < len(key); i++ {
		if key[i] == '/' {
			return key[:i], key[i+1:]
		}
	}
	return "", key
}

func resourceText(d simulate.Decision) string {
	r := d.Backend.Resource
	return fmt.Sprintf("503 Service Unavailable: the backend is a %s resource %q, which the proxy cannot forward to\n",
		r.Kind, r.Name)
}
