package nginx

import (
	"fmt"
	"strings"

	"github.com/ingresskit/ingresskit/migrate"
)

// backendProtocol reports a backend-protocol other than HTTP.
func (nx *features) backendProtocol() {
	bp := strings.ToUpper(nx.ann["backend-protocol"])
	if bp == "" || bp == "HTTP" {
		return
	}
	advice := "use a BackendTLSPolicy naming the Service, with the CA and hostname the backend's certificate is checked against"
	if bp == "GRPC" || bp == "GRPCS" {
		advice = "serve it with a GRPCRoute (the routes here are HTTPRoutes, whose backends speak HTTP/1.1 or h2c by appProtocol)"
	}
	nx.t.tr.Report(nx.ing, field("backend-protocol"), migrate.Warning, fmt.Sprintf("backend-protocol %s is not translated: %s", bp, advice))
}
