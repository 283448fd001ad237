package gce

import (
	"sort"
	"strings"

	"github.com/ingresskit/ingresskit/migrate"
)

// advice says, for the ingress-gce Ingress annotations
// (pkg/annotations/ingress.go), what to do on a Gateway instead.
var advice = map[string]struct {
	sev  migrate.Severity
	text string
}{
	"kubernetes.io/ingress.allow-http":              {migrate.Warning, "with \"false\" the load balancer has no HTTP frontend, while the Gateway made here has an http listener: remove it if you relied on that"},
	"kubernetes.io/ingress.global-static-ip-name":   {migrate.Info, "the load balancer's reserved address: set it as the Gateway's spec.addresses (on GKE, type NamedAddress)"},
	"kubernetes.io/ingress.regional-static-ip-name": {migrate.Info, "the load balancer's reserved address: set it as the Gateway's spec.addresses (on GKE, type NamedAddress)"},
	"ingress.gcp.kubernetes.io/pre-shared-cert":     {migrate.Warning, "certificates the load balancer holds, not Secrets: the HTTPS listeners need them (on GKE's Gateway, the networking.gke.io/pre-shared-certs listener option or a certificate map)"},
	"networking.gke.io/managed-certificates":        {migrate.Warning, "Google-managed certificates: the HTTPS listeners need them (on GKE's Gateway, a certificate map from Certificate Manager)"},
}

// annotations reports the ingress-gce annotations of ing that the
// translation does not carry.
func (r *reader) annotations() {
	var names []string
	for k := range r.ing.Annotations {
		if _, ok := advice[k]; ok {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	for _, k := range names {
		a := advice[k]
		if k == "kubernetes.io/ingress.allow-http" && !strings.EqualFold(strings.TrimSpace(r.ing.Annotations[k]), "false") {
			continue
		}
		r.t.tr.Report(r.ing, "metadata.annotations."+k, a.sev, k+" is not translated: "+a.text)
	}
}
